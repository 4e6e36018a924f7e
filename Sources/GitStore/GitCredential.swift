import Foundation

/// Asks git's credential helpers (`git credential fill`) for a secret the user stored there,
/// never prompting on a terminal: the one place DueTrail runs the `git` program, so a
/// password lives in the user's keychain or helper, never in the ledger.
package enum GitCredential {
    /// The helpers' answer (`username`, `password`, …) for `fields` (`protocol`, `host`,
    /// `path`, `username`), or nil when git is missing or no helper knows it.
    package static func fill(_ fields: [(String, String)], environment: [String: String] = ProcessInfo.processInfo.environment) -> [String: String]? {
        guard let output = run("fill", fields, environment: environment) else { return nil }
        var answer: [String: String] = [:]
        for line in output.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            answer[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        return answer["password"].map { $0.isEmpty } == false ? answer : nil
    }

    /// Tells the helpers a secret worked (`approve`) or did not (`reject`), so caching
    /// helpers keep or drop it as git itself would.
    package static func report(worked: Bool, _ fields: [(String, String)], environment: [String: String] = ProcessInfo.processInfo.environment) {
        _ = run(worked ? "approve" : "reject", fields, environment: environment)
    }

    /// A URL with any password in it replaced by `***`, for messages.
    package static func redacted(_ url: String) -> String {
        guard var parts = URLComponents(string: url), parts.password != nil else { return url }
        parts.password = "***"
        return parts.string ?? url
    }

    /// The fields git's credential protocol uses for a URL (`https://host/path`).
    package static func fields(forURL url: String, username: String?) -> [(String, String)] {
        guard let parsed = URLComponents(string: url), let scheme = parsed.scheme, let host = parsed.host else { return [] }
        var out = [("protocol", scheme), ("host", parsed.port.map { "\(host):\($0)" } ?? host)]
        let path = parsed.path.hasPrefix("/") ? String(parsed.path.dropFirst()) : parsed.path
        if !path.isEmpty { out.append(("path", path)) }
        if let user = username ?? parsed.user, !user.isEmpty { out.append(("username", user)) }
        return out
    }

    private static func run(_ verb: String, _ fields: [(String, String)], environment: [String: String]) -> String? {
        let candidates = ["/usr/bin/git", "/usr/local/bin/git", "/bin/git"]
        // A newline in a value would add a line of its own choosing to the request (a URL
        // naming another host: CVE-2020-5260 in git). Such a request is never made.
        let unsafe = fields.contains { $0.0.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\0" || $0 == "=" }) || $0.1.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\0" }) }
        guard !fields.isEmpty, !unsafe, let git = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: git)
        process.arguments = ["credential", verb]
        var env = environment
        env["GIT_TERMINAL_PROMPT"] = "0"
        env["GIT_ASKPASS"] = "/bin/false"
        env["SSH_ASKPASS"] = "/bin/false"
        process.environment = env
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let request = fields.map { "\($0.0)=\($0.1)\n" }.joined() + "\n"
        try? input.fileHandleForWriting.write(contentsOf: Data(request.utf8))
        try? input.fileHandleForWriting.close()
        // The answer is a few lines: reading to the end before waiting cannot deadlock.
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
