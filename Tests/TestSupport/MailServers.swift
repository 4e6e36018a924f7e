import Foundation

/// A real SMTP server on loopback (`Tests/Fixtures/smtp_server.py`: aiosmtpd, or a bare server
/// offering PIPELINING with `--raw`), started for one test and stopped when it ends. What it
/// received is in `folder`: N.eml (the bytes) and N.json (the envelope).
public final class SMTPTestServer {
    public let port: Int
    public let folder: String
    private let process: Process
    private let input: Pipe

    public init(folder: String, arguments: [String] = []) throws {
        self.folder = folder
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [Binary.fixture("smtp_server.py"), "--out", folder] + arguments
        input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The first line is `READY <port>`.
        let text = firstLine(of: output).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("READY "), let port = Int(text.dropFirst(6)) else {
            process.terminate()
            throw FixtureError("the SMTP test server did not start (is python3-aiosmtpd installed?): \(text)")
        }
        self.port = port
    }

    deinit { stop() }

    public func stop() {
        guard process.isRunning else { return }
        try? input.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { process.terminate() }
    }

    /// The messages received so far, in order: (raw bytes as text, envelope).
    public func received() throws -> [(text: String, envelope: [String: Any])] {
        var out: [(String, [String: Any])] = []
        var n = 1
        while FileManager.default.fileExists(atPath: "\(folder)/\(n).eml") {
            let text = try String(contentsOfFile: "\(folder)/\(n).eml", encoding: .utf8)
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(n).json"))) as? [String: Any] ?? [:]
            out.append((text, json))
            n += 1
        }
        return out
    }
}

/// A message read by Python's `email` package (`Tests/Fixtures/mail_parse.py`): an independent
/// check of what DueTrail writes.
public struct ParsedMail {
    public let fields: [String: Any]

    public init(file: String) throws {
        let r = try ProcessResult.run("/usr/bin/python3", [Binary.fixture("mail_parse.py"), file], cwd: "/", environment: ProcessInfo.processInfo.environment)
        guard r.status == 0, let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any] else {
            throw FixtureError("mail_parse.py failed: \(r)")
        }
        fields = object
    }

    public subscript(key: String) -> String { (fields[key] as? String) ?? "" }
    public var body: String { self["body"].replacingOccurrences(of: "\r\n", with: "\n") }
    /// `[(name, address)]` of an address header.
    public func addresses(_ key: String) -> [[String]] { (fields[key] as? [[String]]) ?? [] }
}

/// A self-signed certificate for `localhost` and 127.0.0.1, made with openssl for one test.
public enum TestCertificate {
    public static func make(in folder: String) throws -> (cert: String, key: String) {
        let cert = folder + "/cert.pem", key = folder + "/key.pem"
        let r = try ProcessResult.run(
            "/usr/bin/openssl",
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost",
             "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
            cwd: folder, environment: ProcessInfo.processInfo.environment)
        guard r.status == 0 else { throw FixtureError("openssl failed: \(r)") }
        return (cert, key)
    }
}

/// What a server started for a test prints first (its address), read as it arrives; empty
/// when it exits first.
public func firstLine(of pipe: Pipe) -> String {
    var line = Data()
    let handle = pipe.fileHandleForReading
    while !line.contains(UInt8(ascii: "\n")) {
        let chunk = handle.availableData
        if chunk.isEmpty { break }
        line.append(chunk)
    }
    return String(decoding: line, as: UTF8.self)
}
