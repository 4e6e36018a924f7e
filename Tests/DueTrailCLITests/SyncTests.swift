import Foundation
import Testing
import TestSupport

/// A team on one ledger through a shared remote, with `duetrail clone` and `duetrail sync`:
/// concurrent work on the same cases merges by meaning, a true conflict stops cleanly, and a
/// remote served over the network (git daemon) works the same, including a push race.
@Suite struct SyncTests {
    /// Ana's ledger pushed to a bare remote made by plain `git init --bare` (whose HEAD names
    /// `master`), and a second teammate's environment.
    private func team(_ sandbox: Sandbox) throws -> (remote: String, bo: [String: String]) {
        let seed = try sandbox.exampleLedger("seed")
        let remote = sandbox.path("shared.git")
        #expect(try sandbox.git(["init", "-q", "--bare", remote]).status == 0)
        #expect(try sandbox.git(["push", "-q", remote, "HEAD:refs/heads/main"], in: seed).status == 0)
        var bo = sandbox.environment(actingAs: "Bo Chen", email: "bo@northwind-studio.example")
        bo["DUETRAIL_NOW"] = "2026-11-30T10:00:00Z"
        return (remote, bo)
    }

    private func head(_ sandbox: Sandbox, _ dir: String) throws -> String {
        try sandbox.git(["rev-parse", "HEAD"], in: dir).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func aPromiseInOneClonePaymentAndDraftsInBothSyncWithEveryEventInBoth() throws {
        let sandbox = try Sandbox()
        let (remote, bo) = try team(sandbox)
        let a = sandbox.path("a"), b = sandbox.path("b")
        let cloned = try sandbox.duetrail(["clone", remote, a])
        #expect(cloned.status == 0 && cloned.stdout.contains("Cloned \(remote) into \(a) (main at "), "\(cloned)")
        #expect(try sandbox.duetrail(["clone", "file://" + remote, b]).status == 0)
        #expect(try sandbox.git(["config", "--get", "merge.duetrail.driver"], in: b).stdout.contains("merge-driver %O %A %B %P"))
        func asBo(_ args: [String]) throws -> ProcessResult { try ProcessResult.run(Binary.duetrail, args, cwd: b, environment: bo) }

        // Both draft and approve the same morning's reminders; Ana records a promise and a new
        // contact for Acme, Bo a part payment on the same case and Acme's policy.
        #expect(try sandbox.duetrail(["draft"], in: a).status == 0)
        #expect(try sandbox.duetrail(["approve", "--all"], in: a).status == 0)
        #expect(try sandbox.duetrail(["promise", "INV-1042", "--date", "2026-12-10"], in: a).status == 0)
        #expect(try sandbox.duetrail(["customer", "acme-gmbh", "--email", "ap@acme-gmbh.example", "--email", "finance@acme-gmbh.example"], in: a).status == 0)
        #expect(try asBo(["draft"]).status == 0)
        #expect(try asBo(["approve", "--all"]).status == 0)
        #expect(try asBo(["pay", "INV-1042", "--amount", "150"]).status == 0)
        #expect(try asBo(["customer", "acme-gmbh", "--policy", "auto"]).status == 0)

        let first = try sandbox.duetrail(["sync"], in: a)
        #expect(first.status == 0 && first.stdout.contains("Pushed 4 commits to origin/main"), "\(first)")
        let second = try asBo(["sync", "--json"])
        #expect(second.status == 0, "\(second)")
        #expect(second.stdout.contains("\"outcome\" : \"merged\"") && second.stdout.contains("\"cases/acme-gmbh/inv-1042.md\""), "\(second)")
        #expect(second.stdout.contains("\"customers/acme-gmbh.yaml\""), "\(second)")
        let third = try sandbox.duetrail(["sync"], in: a)
        #expect(third.status == 0 && third.stdout.contains("Took 5 commits from origin/main"), "\(third)")

        // One history in both clones and on the remote; the merge joins both sides.
        #expect(try head(sandbox, a) == head(sandbox, b))
        #expect(try sandbox.git(["rev-parse", "main"], in: remote).stdout.trimmingCharacters(in: .whitespacesAndNewlines) == head(sandbox, a))
        #expect(try sandbox.git(["log", "-1", "--format=%P"], in: a).stdout.split(separator: " ").count == 2)
        #expect(try sandbox.git(["fsck", "--strict"], in: a).status == 0)
        for dir in [a, b] {
            let text = try String(contentsOfFile: dir + "/cases/acme-gmbh/inv-1042.md", encoding: .utf8)
            #expect(text.contains("· promised · date: 2026-12-10 · by Ana Ruiz") && text.contains("· payment · amount: 150.00 EUR · by Bo Chen"), "\(text)")
            let customer = try String(contentsOfFile: dir + "/customers/acme-gmbh.yaml", encoding: .utf8)
            #expect(customer.contains("finance@acme-gmbh.example") && customer.contains("policy: auto"), "\(customer)")
            #expect(try sandbox.duetrail(["check"], in: dir).status == 0)
            // Nothing left uncommitted by the merge (the working tree matches HEAD).
            #expect(try sandbox.git(["status", "--porcelain", "--untracked-files=no"], in: dir).stdout.isEmpty)
        }
        let again = try sandbox.duetrail(["sync"], in: b)
        #expect(again.stdout.contains("Already in step with origin/main"), "\(again)")
        // Both approved the same drafts, byte for byte: one file each, no conflict.
        func approved(_ dir: String) throws -> String {
            let id = try sandbox.git(["log", "-1", "--format=%H", "--author=\(dir == a ? "Ana" : "Bo")", "--grep=^approve", "--grep=^draft"], in: a).stdout
            return try sandbox.git(["show", "--format=", "--name-only", id.trimmingCharacters(in: .whitespacesAndNewlines)], in: a).stdout
        }
        #expect(try !approved(a).isEmpty && approved(a) == approved(b))

        // Ana sends what both approved; Bo, with a commit of his own, merges her sends in. The
        // audit in Bo's clone checks each message once, where it was sent, and finds it
        // approved (both approved the same bytes), not "sent" by Bo's merge.
        let sent = try sandbox.duetrail(["send"], in: a)
        #expect(sent.status == 0, "\(sent)")
        #expect(try sandbox.duetrail(["sync"], in: a).status == 0)
        #expect(try asBo(["note", "INV-1093", "Bo's call"]).status == 0)
        let boMerge = try asBo(["sync"])
        #expect(boMerge.status == 0 && boMerge.stdout.contains("Merged"), "\(boMerge)")
        let audit = try asBo(["audit", "--verbose"])
        #expect(audit.status == 0 && audit.stdout.contains("; 6 sent messages.") && audit.stdout.contains("No violations."), "\(audit)")
        let merge = String(try sandbox.git(["rev-parse", "HEAD"], in: b).stdout.prefix(8))
        #expect(!audit.stdout.contains("in \(merge)"), "\(audit)")
        #expect(try sandbox.duetrail(["sync"], in: a).status == 0)

        // Uncommitted edits in a file an incoming change would rewrite: sync refuses, nothing moves.
        #expect(try asBo(["note", "INV-1042", "Bo again"]).status == 0)
        #expect(try asBo(["sync"]).status == 0)
        let casePath = a + "/cases/acme-gmbh/inv-1042.md"
        try (try String(contentsOfFile: casePath, encoding: .utf8) + "\nAna's unsaved thought\n").write(toFile: casePath, atomically: true, encoding: .utf8)
        let before = try head(sandbox, a)
        let blocked = try sandbox.duetrail(["sync"], in: a)
        #expect(blocked.status == 1 && blocked.stderr.contains("uncommitted changes in files this would rewrite:\n  cases/acme-gmbh/inv-1042.md"), "\(blocked)")
        #expect(try head(sandbox, a) == before)
        #expect(try String(contentsOfFile: casePath, encoding: .utf8).contains("Ana's unsaved thought"))
    }

    @Test func theSameAmountChangedTwoWaysStopsWithBothValuesAndIsSettledWithTake() throws {
        let sandbox = try Sandbox()
        let (remote, bo) = try team(sandbox)
        let a = sandbox.path("a"), b = sandbox.path("b")
        #expect(try sandbox.duetrail(["clone", remote, a]).status == 0)
        #expect(try sandbox.duetrail(["clone", remote, b]).status == 0)
        func setAmount(_ dir: String, _ value: String, _ env: [String: String]) throws {
            let path = dir + "/cases/acme-gmbh/inv-1042.md"
            let text = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "amount: 7150.00", with: "amount: \(value)")
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            #expect(try ProcessResult.run("/usr/bin/env", ["git", "commit", "-qam", "amount \(value)"], cwd: dir, environment: env).status == 0)
        }
        try setAmount(a, "7200.00", sandbox.environment)
        #expect(try sandbox.duetrail(["sync"], in: a).status == 0)
        try setAmount(b, "7100.00", bo)
        #expect(try ProcessResult.run(Binary.duetrail, ["note", "INV-1042", "Bo's note"], cwd: b, environment: bo).status == 0)
        let before = try head(sandbox, b)

        let stopped = try ProcessResult.run(Binary.duetrail, ["sync"], cwd: b, environment: bo)
        #expect(stopped.status == 3, "\(stopped)")
        #expect(stopped.stderr.contains("1 conflict; nothing was merged or pushed"), "\(stopped)")
        #expect(stopped.stderr.contains("cases/acme-gmbh/inv-1042.md: amount\n    ours:   7100.00 EUR\n    theirs: 7200.00 EUR"), "\(stopped)")
        // Nothing lost: Bo's commits stand, Ana's are fetched, the remote is untouched.
        #expect(try head(sandbox, b) == before)
        #expect(try sandbox.git(["show", "origin/main:cases/acme-gmbh/inv-1042.md"], in: b).stdout.contains("amount: 7200.00"))
        #expect(try String(contentsOfFile: b + "/cases/acme-gmbh/inv-1042.md", encoding: .utf8).contains("amount: 7100.00"))
        #expect(try sandbox.git(["rev-parse", "main"], in: remote).stdout.trimmingCharacters(in: .whitespacesAndNewlines) == head(sandbox, a))

        let settled = try ProcessResult.run(Binary.duetrail, ["sync", "--take", "theirs", "INV-1042"], cwd: b, environment: bo)
        #expect(settled.status == 0 && settled.stdout.contains("Settled cases/acme-gmbh/inv-1042.md: amount (kept theirs)"), "\(settled)")
        let text = try String(contentsOfFile: b + "/cases/acme-gmbh/inv-1042.md", encoding: .utf8)
        #expect(text.contains("amount: 7200.00") && text.contains("Bo's note"), "\(text)")
        #expect(try sandbox.git(["log", "-1", "--format=%B"], in: b).stdout.contains("cases/acme-gmbh/inv-1042.md: amount (kept theirs)"))
        #expect(try sandbox.duetrail(["sync"], in: a).stdout.contains("Took 3 commits"))
        #expect(try head(sandbox, a) == head(sandbox, b))
    }

    /// Two cases changed two ways: each `--take` settles what it names with its own side, in
    /// one run (an invoice number, a customer slug); a name not in conflict is refused with
    /// nothing changed.
    @Test func eachTakeSettlesItsOwnCasesWithItsOwnSideAndANameNotInConflictIsRefused() throws {
        let sandbox = try Sandbox()
        let (remote, bo) = try team(sandbox)
        let a = sandbox.path("a"), b = sandbox.path("b")
        #expect(try sandbox.duetrail(["clone", remote, a]).status == 0)
        #expect(try sandbox.duetrail(["clone", remote, b]).status == 0)
        func setAmounts(_ dir: String, _ acme: String, _ delta: String, _ env: [String: String]) throws {
            for (file, from, to) in [("acme-gmbh/inv-1042", "7150.00", acme), ("delta-foods/inv-1047", "1875.50", delta)] {
                let path = dir + "/cases/\(file).md"
                let text = try String(contentsOfFile: path, encoding: .utf8)
                #expect(text.contains("amount: \(from)"), "\(text)")
                try text.replacingOccurrences(of: "amount: \(from)", with: "amount: \(to)").write(toFile: path, atomically: true, encoding: .utf8)
            }
            #expect(try ProcessResult.run("/usr/bin/env", ["git", "commit", "-qam", "amounts"], cwd: dir, environment: env).status == 0)
        }
        try setAmounts(a, "7200.00", "1900.00", sandbox.environment)
        #expect(try sandbox.duetrail(["sync"], in: a).status == 0)
        try setAmounts(b, "7100.00", "1850.00", bo)
        func asBo(_ args: [String]) throws -> ProcessResult { try ProcessResult.run(Binary.duetrail, args, cwd: b, environment: bo) }
        let stopped = try asBo(["sync"])
        #expect(stopped.status == 3 && stopped.stderr.contains("2 conflicts"), "\(stopped)")
        let before = try head(sandbox, b)

        // Names that are not in conflict: refused, nothing merged, committed or pushed.
        for stray in [["--take", "theirs", "INV-9999"], ["--take", "ours", "INV-1093", "--take", "theirs", "INV-1042"], ["--take", "ours", "fjord-software"]] {
            let refused = try asBo(["sync"] + stray)
            #expect(refused.status == 1 && refused.stderr.contains("not in conflict with origin/main"), "\(stray): \(refused)")
            #expect(refused.stderr.contains("cases/acme-gmbh/inv-1042.md, cases/delta-foods/inv-1047.md"), "\(refused)")
            #expect(try head(sandbox, b) == before)
            #expect(try String(contentsOfFile: b + "/cases/acme-gmbh/inv-1042.md", encoding: .utf8).contains("amount: 7100.00"))
        }
        #expect(try sandbox.git(["rev-parse", "main"], in: remote).stdout.trimmingCharacters(in: .whitespacesAndNewlines) == head(sandbox, a))
        let malformed = try asBo(["sync", "--take", "INV-1042"])
        #expect(malformed.status != 0 && malformed.stderr.contains("--take is followed by the side to keep"), "\(malformed)")

        // Theirs for one invoice, ours for a whole customer, in one run.
        let settled = try asBo(["sync", "--take", "theirs", "INV-1042", "--take", "ours", "delta-foods"])
        #expect(settled.status == 0, "\(settled)")
        #expect(settled.stdout.contains("Settled cases/acme-gmbh/inv-1042.md: amount (kept theirs)"), "\(settled)")
        #expect(settled.stdout.contains("Settled cases/delta-foods/inv-1047.md: amount (kept ours)"), "\(settled)")
        for dir in [b] {
            #expect(try String(contentsOfFile: dir + "/cases/acme-gmbh/inv-1042.md", encoding: .utf8).contains("amount: 7200.00"))
            #expect(try String(contentsOfFile: dir + "/cases/delta-foods/inv-1047.md", encoding: .utf8).contains("amount: 1850.00"))
        }
        let message = try sandbox.git(["log", "-1", "--format=%B"], in: b).stdout
        #expect(message.contains("cases/acme-gmbh/inv-1042.md: amount (kept theirs)") && message.contains("cases/delta-foods/inv-1047.md: amount (kept ours)"), "\(message)")
        #expect(try sandbox.duetrail(["sync"], in: a).status == 0)
        #expect(try head(sandbox, a) == head(sandbox, b))
        // Nothing in conflict any more: a name to settle is refused.
        let nothing = try asBo(["sync", "--take", "ours", "INV-1042"])
        #expect(nothing.status == 1 && nothing.stderr.contains("nothing is in conflict with origin/main"), "\(nothing)")
    }

    @Test func aLedgerServedByGitDaemonClonesSyncsAndRetriesWhenSomeonePushesFirst() throws {
        let sandbox = try Sandbox()
        let (remote, _) = try team(sandbox)
        #expect(try sandbox.git(["config", "receive.denyNonFastForwards", "true"], in: remote).status == 0)
        let daemon = try GitDaemon(basePath: sandbox.root.path, environment: sandbox.environment)
        defer { daemon.stop() }
        let url = "git://127.0.0.1:\(daemon.port)/shared.git"
        let a = sandbox.path("a"), c = sandbox.path("c")
        let cloned = try sandbox.duetrail(["clone", url, a])
        #expect(cloned.status == 0, "\(cloned)")
        #expect(try sandbox.duetrail(["clone", url, c]).status == 0)

        // While Ana's push is being received, Cy's lands first (a pre-receive hook pushes it):
        // her push is refused, and sync fetches, merges and pushes again.
        #expect(try sandbox.duetrail(["note", "INV-1042", "Cy called"], in: c).status == 0)
        let hook = remote + "/hooks/pre-receive"
        try """
            #!/bin/sh
            cat >/dev/null
            if [ ! -e "\(sandbox.path("raced"))" ]; then
              touch "\(sandbox.path("raced"))"
              env -u GIT_QUARANTINE_PATH -u GIT_OBJECT_DIRECTORY -u GIT_ALTERNATE_OBJECT_DIRECTORIES -u GIT_DIR \
                git -C "\(c)" push -q "\(remote)" HEAD:refs/heads/main
            fi
            exit 0

            """.write(toFile: hook, atomically: true, encoding: .utf8)
        #expect(chmod(hook, 0o755) == 0)
        #expect(try sandbox.duetrail(["promise", "INV-1042", "--date", "2026-12-10"], in: a).status == 0)
        let synced = try sandbox.duetrail(["sync", "--json"], in: a)
        #expect(synced.status == 0, "\(synced)")
        #expect(synced.stdout.contains("\"retries\" : 1") && synced.stdout.contains("\"outcome\" : \"merged\""), "\(synced)")
        let text = try sandbox.git(["show", "main:cases/acme-gmbh/inv-1042.md"], in: remote).stdout
        #expect(text.contains("Cy called") && text.contains("· promised · date: 2026-12-10"), "\(text)")
        #expect(try sandbox.git(["rev-parse", "main"], in: remote).stdout.trimmingCharacters(in: .whitespacesAndNewlines) == head(sandbox, a))
    }
}

/// `git daemon` serving a folder over git:// on a free loopback port, with pushes enabled.
final class GitDaemon {
    let port: Int

    init(basePath: String, environment: [String: String]) throws {
        var lastError = ""
        let execPath = try ProcessResult.run("/usr/bin/env", ["git", "--exec-path"], cwd: basePath, environment: environment).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        for _ in 0..<20 {
            let candidate = Int.random(in: 20000..<60000)
            let p = Process()
            // The daemon itself, not the `git` wrapper, so stopping it stops it.
            p.executableURL = URL(fileURLWithPath: execPath + "/git-daemon")
            p.arguments = [
                "--reuseaddr", "--listen=127.0.0.1", "--port=\(candidate)", "--base-path=\(basePath)", "--export-all",
                "--enable=receive-pack", "--informative-errors", basePath,
            ]
            p.environment = environment
            let err = Pipe()
            p.standardError = err
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            // Ready when the port accepts a connection.
            for _ in 0..<100 where p.isRunning {
                if acceptsConnections(port: candidate) {
                    port = candidate
                    self.running = p
                    return
                }
                usleep(50_000)
            }
            if p.isRunning { p.terminate() }
            lastError = String(decoding: err.fileHandleForReading.availableData, as: UTF8.self)
        }
        throw FixtureError("git daemon did not start: \(lastError)")
    }

    private var running: Process?

    func stop() {
        guard let running, running.isRunning else { return }
        kill(running.processIdentifier, SIGKILL)
        running.waitUntilExit()
    }

}

/// The same over HTTP: `git http-backend` behind basic authentication, the password coming
/// from the user's git credential helper, never a prompt.
@Suite struct HTTPRemoteTests {
    @Test func cloneAndSyncOverHTTPWithThePasswordFromGitCredentialAndAClearRefusalWithoutIt() throws {
        let sandbox = try Sandbox()
        let remote = try RemoteFixture.sharedLedger(sandbox)
        #expect(try sandbox.git(["config", "http.receivepack", "true"], in: remote).status == 0)
        let server = try HTTPGitServer(root: sandbox.root.path, user: "ana", password: "s3cret", environment: sandbox.environment)
        defer { server.stop() }
        let url = "http://127.0.0.1:\(server.port)/shared.git"

        // No stored credential: a clear refusal, nothing left behind, no prompt.
        let refused = try sandbox.duetrail(["clone", url, sandbox.path("x")])
        #expect(refused.status == 1 && refused.stderr.contains("authentication failed"), "\(refused)")
        #expect(!FileManager.default.fileExists(atPath: sandbox.path("x")))

        // The credential the user stored with git's own helper.
        #expect(try sandbox.git(["config", "--global", "credential.helper", "store"]).status == 0)
        try sandbox.write("home/.git-credentials", "http://ana:s3cret@127.0.0.1:\(server.port)\n")
        try RemoteFixture.cloneNoteAndSync(sandbox, url: url, remote: remote, note: "Called over the wire")
    }
}

/// HTTPS: a certificate the machine does not trust is refused before any password is sent;
/// trusted (SSL_CERT_FILE, as OpenSSL reads it), the same clone works.
@Suite struct HTTPSRemoteTests {
    @Test func anUntrustedCertificateIsRefusedBeforeThePasswordIsSentAndATrustedOneWorks() throws {
        let sandbox = try Sandbox()
        _ = try RemoteFixture.sharedLedger(sandbox)
        let certs = try TestCertificate.make(in: sandbox.path(""))
        let server = try HTTPGitServer(root: sandbox.root.path, user: "ana", password: "s3cret", tls: certs, environment: sandbox.environment)
        defer { server.stop() }
        #expect(try sandbox.git(["config", "--global", "credential.helper", "store"]).status == 0)
        // By name: libgit2's TLS here (mbedTLS) matches DNS names, not IP addresses.
        try sandbox.write("home/.git-credentials", "https://ana:s3cret@localhost:\(server.port)\n")
        let url = "https://localhost:\(server.port)/shared.git"

        let refused = try sandbox.duetrail(["clone", url, sandbox.path("x")])
        #expect(refused.status == 1 && refused.stderr.contains("the TLS certificate of localhost is not valid for it (or not trusted); nothing was sent"), "\(refused)")
        #expect(!FileManager.default.fileExists(atPath: sandbox.path("x")))

        let trusted = try sandbox.duetrail(["clone", url, sandbox.path("a")], extraEnvironment: ["SSL_CERT_FILE": certs.cert])
        #expect(trusted.status == 0, "\(trusted)")
        #expect(FileManager.default.fileExists(atPath: sandbox.path("a/cases/acme-gmbh/inv-1042.md")))
    }
}

/// What the served-remote tests share: a bare remote holding the example ledger, and the
/// round trip every transport must carry (clone, one commit, sync, the remote has it).
enum RemoteFixture {
    static func sharedLedger(_ sandbox: Sandbox) throws -> String {
        let seed = try sandbox.exampleLedger("seed")
        let remote = sandbox.path("shared.git")
        #expect(try sandbox.git(["init", "-q", "--bare", "--initial-branch=main", remote]).status == 0)
        #expect(try sandbox.git(["push", "-q", remote, "HEAD:refs/heads/main"], in: seed).status == 0)
        return remote
    }

    static func cloneNoteAndSync(_ sandbox: Sandbox, url: String, remote: String, note: String) throws {
        let a = sandbox.path("a")
        let cloned = try sandbox.duetrail(["clone", url, a])
        #expect(cloned.status == 0, "\(cloned)")
        #expect(try sandbox.duetrail(["note", "INV-1042", note], in: a).status == 0)
        let synced = try sandbox.duetrail(["sync"], in: a)
        #expect(synced.status == 0 && synced.stdout.contains("Pushed 1 commit to origin/main"), "\(synced)")
        #expect(try sandbox.git(["show", "main:cases/acme-gmbh/inv-1042.md"], in: remote).stdout.contains(note))
    }
}

/// `Tests/Fixtures/git_http_server.py`: git http-backend on a free loopback port.
final class HTTPGitServer {
    let port: Int
    private let process = Process()

    /// `tls`: serve HTTPS with this certificate and key.
    init(root: String, user: String, password: String, tls: (cert: String, key: String)? = nil, environment: [String: String]) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Binary.fixture("git_http_server.py"), root, user, password] + (tls.map { [$0.cert, $0.key] } ?? [])
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let line = String(decoding: out.fileHandleForReading.availableData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let port = Int(line) else {
            process.terminate()
            throw FixtureError("the git HTTP server did not start: `\(line)`")
        }
        self.port = port
    }

    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

/// Over ssh: a real sshd on loopback, the user's key file, and the server's host key checked
/// against known_hosts as ssh itself would.
@Suite struct SSHRemoteTests {
    @Test func cloneAndSyncOverSSHWithAKeyFileAndAHostKeyCheckedAgainstKnownHosts() throws {
        let sandbox = try Sandbox()
        sandbox.environment["SSH_AUTH_SOCK"] = nil  // the key file, not an agent the machine may have
        let remote = try RemoteFixture.sharedLedger(sandbox)
        let server = try SSHServer(sandbox: sandbox)
        defer { server.stop() }
        let user = String(cString: getpwuid(getuid()).pointee.pw_name)
        let url = "ssh://\(user)@127.0.0.1:\(server.port)\(remote)"

        // Not in known_hosts yet: refused, as ssh would, naming the fix.
        let unknown = try sandbox.duetrail(["clone", url, sandbox.path("x")])
        #expect(unknown.status == 1 && unknown.stderr.contains("[127.0.0.1]:\(server.port) is not a known ssh host"), "\(unknown)")
        #expect(unknown.stderr.contains("ssh-keyscan -p \(server.port) 127.0.0.1"), "\(unknown)")

        // A different key listed for the host: refused as a possible interception.
        try sandbox.write("home/.ssh/known_hosts", "[127.0.0.1]:\(server.port) \(server.otherPublicKey)\n")
        let differs = try sandbox.duetrail(["clone", url, sandbox.path("x")])
        #expect(differs.status == 1 && differs.stderr.contains("differs from the one in known_hosts"), "\(differs)")

        try sandbox.write("home/.ssh/known_hosts", "[127.0.0.1]:\(server.port) \(server.hostPublicKey)\n")
        try RemoteFixture.cloneNoteAndSync(sandbox, url: url, remote: remote, note: "Called, over ssh")
    }
}

/// OpenSSH's sshd on a free loopback port, accepting one key made for the test (in the
/// sandbox's `~/.ssh/id_ed25519`), logging in as the user running the tests.
final class SSHServer {
    let port: Int
    let hostPublicKey: String
    let otherPublicKey: String
    private var pid: Int32 = 0

    init(sandbox: Sandbox) throws {
        let dir = sandbox.path("sshd")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: sandbox.path("home/.ssh"), withIntermediateDirectories: true)
        func keygen(_ file: String) throws -> String {
            let made = try ProcessResult.run("/usr/bin/env", ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", file], cwd: dir, environment: sandbox.environment)
            guard made.status == 0 else { throw FixtureError("ssh-keygen: \(made)") }
            return try String(contentsOfFile: file + ".pub", encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
        }
        hostPublicKey = try keygen(dir + "/host_key")
        otherPublicKey = try keygen(dir + "/other_key")
        let userKey = try keygen(sandbox.path("home/.ssh/id_ed25519"))
        try (userKey + "\n").write(toFile: dir + "/authorized_keys", atomically: true, encoding: .utf8)
        chmod(dir + "/authorized_keys", 0o600)
        if getuid() == 0 { try? FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true) }
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/sshd") else {
            throw FixtureError("/usr/sbin/sshd is missing: scripts/test.sh installs openssh-server")
        }
        var lastError = ""
        for _ in 0..<20 {
            let candidate = Int.random(in: 20000..<60000)
            let config = """
                Port \(candidate)
                ListenAddress 127.0.0.1
                HostKey \(dir)/host_key
                AuthorizedKeysFile \(dir)/authorized_keys
                PasswordAuthentication no
                KbdInteractiveAuthentication no
                UsePAM no
                StrictModes no
                PermitRootLogin prohibit-password
                PidFile \(dir)/sshd.pid

                """
            try config.write(toFile: dir + "/sshd_config", atomically: true, encoding: .utf8)
            // sshd puts itself in the background (no -D): a long-lived child of the test
            // process would leave Foundation's child reaping waiting on it.
            let started = try ProcessResult.run("/usr/sbin/sshd", ["-f", dir + "/sshd_config", "-E", dir + "/log"], cwd: dir, environment: sandbox.environment)
            for _ in 0..<100 where started.status == 0 {
                if acceptsConnections(port: candidate), let text = try? String(contentsOfFile: dir + "/sshd.pid", encoding: .utf8),
                    let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
                {
                    port = candidate
                    self.pid = pid
                    return
                }
                usleep(50_000)
            }
            lastError = started.description + ((try? String(contentsOfFile: dir + "/log", encoding: .utf8)) ?? "")
        }
        throw FixtureError("sshd did not start: \(lastError)")
    }

    func stop() {
        if pid > 0 { kill(pid, SIGTERM) }
    }
}

/// Whether something listens on `port` on loopback: how the servers above are known to be ready.
func acceptsConnections(port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = in_port_t(UInt16(port).bigEndian)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    return withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
}
