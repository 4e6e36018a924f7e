import Crypto
import Foundation
import GitStore
import Testing

/// The ssh host key check: what ssh itself accepts, refuses and asks about.
@Suite struct KnownHostsTests {
    let key = Data("the server's key".utf8)
    let other = Data("someone else's key".utf8)

    private func hosts(_ text: String) throws -> KnownHosts {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("known-\(UUID().uuidString)")
        try text.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        return KnownHosts(files: [file.path])
    }

    @Test func plainHashedAndPortEntriesMatchAndOthersAreUnknownOrDifferent() throws {
        let b64 = key.base64EncodedString()
        let salt = Data("0123456789abcdefghij".utf8)
        let mac = Data(HMAC<Insecure.SHA1>.authenticationCode(for: Data("git.example.com".utf8), using: SymmetricKey(data: salt)))
        let known = try hosts("""
            # comment
            ledger.example.com,10.0.0.5 ssh-ed25519 \(b64)
            [127.0.0.1]:2222 ssh-ed25519 \(b64)
            |1|\(salt.base64EncodedString())|\(mac.base64EncodedString()) ssh-ed25519 \(b64)
            """)
        #expect(known.check(host: "ledger.example.com", port: 22, key: key) == .matches)
        #expect(known.check(host: "10.0.0.5", port: 22, key: key) == .matches)
        #expect(known.check(host: "127.0.0.1", port: 2222, key: key) == .matches)
        #expect(known.check(host: "127.0.0.1", port: 22, key: key) == .unknown("127.0.0.1"))
        #expect(known.check(host: "git.example.com", port: 22, key: key) == .matches)
        #expect(known.check(host: "ledger.example.com", port: 22, key: other) == .differs("ledger.example.com"))
        #expect(known.check(host: "new.example.com", port: 2200, key: key) == .unknown("[new.example.com]:2200"))
    }

    @Test func aRevokedKeyIsRefusedEvenWhenAnotherLineTrustsIt() throws {
        let b64 = key.base64EncodedString()
        let known = try hosts("ledger.example.com ssh-ed25519 \(b64)\n@revoked * ssh-ed25519 \(b64)\n")
        #expect(known.check(host: "ledger.example.com", port: 22, key: key) == .differs("ledger.example.com"))
    }

    @Test func portsComeFromSSHURLsOnly() {
        #expect(KnownHosts.port(ofSSHURL: "ssh://git@host:2222/ledger.git") == 2222)
        #expect(KnownHosts.port(ofSSHURL: "ssh://git@host/ledger.git") == 22)
        #expect(KnownHosts.port(ofSSHURL: "git@host:ledger.git") == 22)
    }
}
