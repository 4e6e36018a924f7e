import Foundation
import GitStore

/// A temporary folder with an environment of its own: a fresh HOME (so no global git config
/// leaks in), a fixed identity and a fixed clock. Removed when the test ends.
public final class Sandbox {
    public let root: URL
    public var environment: [String: String]

    public init(identity: Bool = true) throws {
        _ = Sandbox.confinedGitConfiguration
        root = FileManager.default.temporaryDirectory.appendingPathComponent("duetrail-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let home = root.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("GIT_") && !$0.key.hasPrefix("DUETRAIL_") }
        env["HOME"] = home.path
        env["XDG_CONFIG_HOME"] = home.appendingPathComponent(".config").path
        env["GIT_CONFIG_NOSYSTEM"] = "1"
        env["DUETRAIL_NOW"] = Sandbox.fixedNow
        env["DUETRAIL_TODAY"] = "2026-11-30"
        // Commits made with the git CLI get the same fixed moment: nothing a test counts or
        // orders may depend on the day it runs.
        env["GIT_AUTHOR_DATE"] = Sandbox.fixedNow
        env["GIT_COMMITTER_DATE"] = Sandbox.fixedNow
        if identity {
            env["GIT_AUTHOR_NAME"] = "Ana Ruiz"
            env["GIT_AUTHOR_EMAIL"] = "ana@northwind-studio.example"
            env["GIT_COMMITTER_NAME"] = "Ana Ruiz"
            env["GIT_COMMITTER_EMAIL"] = "ana@northwind-studio.example"
        }
        environment = env
    }

    /// The moment every sandbox starts at: events, commits by the tool and by the git CLI.
    public static let fixedNow = "2026-11-30T09:00:00Z"

    /// The clock of a later (or earlier) day, 09:00 UTC: both `DUETRAIL_TODAY` and
    /// `DUETRAIL_NOW`, so a committing command may run on it (a `--today` after the clock's
    /// date is refused).
    public static func clock(on day: String) -> [String: String] { ["DUETRAIL_TODAY": day, "DUETRAIL_NOW": day + "T09:00:00Z"] }

    deinit {
        try? FileManager.default.removeItem(at: root)
    }

    /// libgit2's configuration search path is process-wide and not safe to change while other
    /// threads use libgit2, so every in-process test shares one empty folder, set once, before
    /// any test's first repository (each test makes its Sandbox first).
    public static let confinedGitConfiguration: String = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("duetrail-test-home-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try? GitSettings.confineConfiguration(to: dir)
        return dir
    }()

    /// This sandbox's environment with another person as author and committer.
    public func environment(actingAs name: String, email: String) -> [String: String] {
        var env = environment
        env["GIT_AUTHOR_NAME"] = name
        env["GIT_AUTHOR_EMAIL"] = email
        env["GIT_COMMITTER_NAME"] = name
        env["GIT_COMMITTER_EMAIL"] = email
        return env
    }

    public func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    public func write(_ relative: String, _ text: String) throws {
        let url = root.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    public func read(_ relative: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(relative), encoding: .utf8)
    }

    /// Runs `git` with this sandbox's environment.
    @discardableResult
    public func git(_ args: [String], in dir: String? = nil) throws -> ProcessResult {
        try ProcessResult.run("/usr/bin/env", ["git"] + args, cwd: dir ?? root.path, environment: environment)
    }

    /// Runs the built `duetrail` binary.
    @discardableResult
    public func duetrail(_ args: [String], in dir: String? = nil, extraEnvironment: [String: String] = [:], killAfter: Double? = nil) throws -> ProcessResult {
        try ProcessResult.run(Binary.duetrail, args, cwd: dir ?? root.path, environment: environment.merging(extraEnvironment) { _, new in new }, killAfter: killAfter)
    }
}

/// What a command printed and how it exited.
public struct ProcessResult: CustomStringConvertible, Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String

    public var description: String { "exit \(status)\n--- stdout\n\(stdout)\n--- stderr\n\(stderr)" }

    /// Runs `executable` to its end. Spawned with posix_spawn and reaped with waitpid rather
    /// than through Foundation's `Process`, whose exit notice can be lost when many tests
    /// run children at once under a moved clock (libfaketime, scripts/test-any-date.sh).
    /// `killAfter`: send SIGKILL that many seconds after the start (the fault tests' `kill -9`).
    public static func run(_ executable: String, _ args: [String], cwd: String, environment: [String: String], killAfter: Double? = nil) throws -> ProcessResult {
        // Output goes to files, not pipes: a large output can never block the child.
        let tmp = FileManager.default.temporaryDirectory
        let outURL = tmp.appendingPathComponent("duetrail-out-\(UUID().uuidString)")
        let errURL = tmp.appendingPathComponent("duetrail-err-\(UUID().uuidString)")
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outURL.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errURL.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        // `env --chdir` starts the program in `cwd` (Swift's Glibc lacks posix_spawn's chdir action).
        let argv: [UnsafeMutablePointer<CChar>?] = (["/usr/bin/env", "--chdir=" + cwd, executable] + args).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, "/usr/bin/env", &actions, nil, argv, envp)
        guard rc == 0 else { throw FixtureError("cannot start \(executable): \(String(cString: strerror(rc)))") }
        if let killAfter {
            usleep(UInt32(killAfter * 1_000_000))
            kill(pid, SIGKILL)
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { throw FixtureError("waitpid for \(executable): \(String(cString: strerror(errno)))") }
        }
        // WIFEXITED / WEXITSTATUS, WTERMSIG (as the shell reports a signal: 128 + n).
        let exitStatus: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let outData = (try? Data(contentsOf: outURL)) ?? Data()
        let errData = (try? Data(contentsOf: errURL)) ?? Data()
        return ProcessResult(status: exitStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// Where the package's things are.
public enum Binary {
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static var duetrail: String {
        if let env = ProcessInfo.processInfo.environment["DUETRAIL_BIN"] { return env }
        for config in ["debug", "release"] {
            let candidate = packageRoot.appendingPathComponent(".build/\(config)/duetrail").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return packageRoot.appendingPathComponent(".build/debug/duetrail").path
    }

    public static var exampleLedger: String { packageRoot.appendingPathComponent("example-ledger").path }
    /// A helper script in Tests/Fixtures.
    public static func fixture(_ name: String) -> String { packageRoot.appendingPathComponent("Tests/Fixtures/" + name).path }
}
