import Crypto
import Foundation

/// OpenSSH's `known_hosts` files, read to check an ssh server's host key as `ssh` does
/// (libgit2 1.5 accepts any key unless told otherwise). Plain and hashed (`|1|salt|hash`)
/// host names, `[host]:port` for other ports, `@revoked` markers; wildcards are not matched.
package struct KnownHosts {
    package enum Verdict: Equatable {
        case matches
        /// No entry for this host; the name it would be listed under.
        case unknown(String)
        /// Listed with other keys only (or this key revoked).
        case differs(String)
    }

    let lines: [String]

    package init(files: [String]) {
        lines = files.flatMap { file in
            ((try? String(contentsOfFile: file, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }
    }

    /// `~/.ssh/known_hosts` and `/etc/ssh/ssh_known_hosts`.
    package static func standard(home: String? = nil) -> KnownHosts {
        let home = home ?? ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
        return KnownHosts(files: [home + "/.ssh/known_hosts", "/etc/ssh/ssh_known_hosts"])
    }

    /// The port of `ssh://host:port/…`; 22 for other forms (`user@host:path`).
    package static func port(ofSSHURL url: String) -> Int {
        guard url.hasPrefix("ssh://") || url.hasPrefix("ssh+git://") || url.hasPrefix("git+ssh://"), let port = URLComponents(string: url)?.port else { return 22 }
        return port
    }

    package func check(host: String, port: Int, key: Data) -> Verdict {
        let name = port == 22 ? host : "[\(host)]:\(port)"
        let encoded = key.base64EncodedString()
        var listed = false, matched = false
        for line in lines {
            var fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard !fields.isEmpty, !fields[0].hasPrefix("#") else { continue }
            var revoked = false
            if fields[0].hasPrefix("@") {
                revoked = fields[0] == "@revoked"
                fields.removeFirst()
            }
            // A revoked key is refused whichever host it is listed for, in any file.
            if revoked {
                if fields.count >= 3, fields[2] == encoded { return .differs(name) }
                continue
            }
            guard fields.count >= 3, Self.names(fields[0], include: name) else { continue }
            listed = true
            if fields[2] == encoded { matched = true }
        }
        if matched { return .matches }
        return listed ? .differs(name) : .unknown(name)
    }

    /// Whether a comma-separated host field (or a hashed one) names `name`.
    static func names(_ field: String, include name: String) -> Bool {
        if field.hasPrefix("|1|") {
            let parts = field.split(separator: "|")
            guard parts.count == 3, let salt = Data(base64Encoded: String(parts[1])), let hash = Data(base64Encoded: String(parts[2])) else { return false }
            let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Data(name.utf8), using: SymmetricKey(data: salt))
            return Data(mac) == hash
        }
        return field.split(separator: ",").contains { $0 == Substring(name) }
    }
}
