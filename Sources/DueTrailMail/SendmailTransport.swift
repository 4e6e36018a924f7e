import DueTrailCore
import Foundation

/// Hands each message to a sendmail-compatible command (default `/usr/sbin/sendmail -t -i`,
/// as mail clients and `git send-email` do): the message on standard input, recipients read
/// from its headers. Exit status 0 means the command took it.
package final class SendmailTransport: MailTransport {
    package let command: [String]
    package let timeoutSeconds: Int
    package var description: String { "sendmail \(command.joined(separator: " "))" }
    /// The MTA behind the command is unknown: bodies are quoted-printable when not ASCII.
    package var capabilities: OutgoingMessage.Capabilities { .unknown }

    package init(command: [String], timeoutSeconds: Int = 120) {
        self.command = command
        self.timeoutSeconds = timeoutSeconds
    }

    package func open() throws(DeliveryError) {
        guard let program = command.first, FileManager.default.isExecutableFile(atPath: program) else {
            throw .unavailable("the sendmail command `\(command.first ?? "")` does not exist or is not executable (transport `command:` in duetrail.yaml)")
        }
    }

    package func deliver(_ message: OutgoingMessage) throws(DeliveryError) -> DeliveryReceipt {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        do {
            try process.run()
        } catch {
            throw .refused("cannot start \(command[0]): \(error.localizedDescription)")
        }
        // Read what it prints while it runs, so a chatty command cannot block on a full pipe.
        let collected = OutputCollector(output.fileHandleForReading)
        do {
            try input.fileHandleForWriting.write(contentsOf: Data(message.text.utf8))
            try input.fileHandleForWriting.close()
        } catch {
            process.terminate()
            process.waitUntilExit()
            // It may have read part of the message; with `-t` nothing goes before end of input.
            throw .refused("\(command[0]) stopped reading the message: \(error.localizedDescription)")
        }
        let deadline = Date().addingTimeInterval(TimeInterval(timeoutSeconds))
        while process.isRunning && Date() < deadline { usleep(2_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            throw .uncertain("\(command[0]) did not finish within \(timeoutSeconds) s after taking the whole message")
        }
        let said = collected.text().trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationReason == .exit else {
            throw .uncertain("\(command[0]) was killed by signal \(process.terminationStatus) after taking the whole message")
        }
        guard process.terminationStatus == 0 else {
            throw .refused("\(command[0]) exited with status \(process.terminationStatus)" + (said.isEmpty ? "" : ": \(said)"))
        }
        return DeliveryReceipt(answer: "accepted by \((command[0] as NSString).lastPathComponent) (exit 0)" + (said.isEmpty ? "" : ": \(said.prefix(200))"))
    }

    package func close() {}
}

/// Drains a pipe on a background thread.
final class OutputCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            let all = handle.readDataToEndOfFile()
            lock.lock()
            data = all
            lock.unlock()
            done.signal()
        }
    }

    func text() -> String {
        _ = done.wait(timeout: .now() + 5)
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: data, as: UTF8.self)
    }
}
