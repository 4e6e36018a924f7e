import AtomicFiles
import DueTrailCore
import Foundation

/// Delivers into a Maildir folder (`tmp/`, `new/`, `cur/`), as a local delivery agent does:
/// written whole in `tmp/`, flushed to disk, then renamed into `new/`, so a mail client never
/// sees half a message. The default transport: nothing leaves the machine.
package final class MaildirTransport: MailTransport {
    package let folder: String
    package var description: String { "maildir \(folder)" }
    package var capabilities: OutgoingMessage.Capabilities { .local }
    /// The moment stamped into file names (the ledger's clock, so a demo or test run at a fixed
    /// time writes the same names).
    let now: Date

    package init(folder: String, now: Date = Date()) {
        self.folder = folder
        self.now = now
    }

    package func open() throws(DeliveryError) {
        for sub in ["tmp", "new", "cur"] {
            do {
                try FileManager.default.createDirectory(atPath: folder + "/" + sub, withIntermediateDirectories: true)
            } catch {
                throw .unavailable("cannot create the Maildir folder \(folder)/\(sub): \(error.localizedDescription)")
            }
        }
    }

    package func deliver(_ message: OutgoingMessage) throws(DeliveryError) -> DeliveryReceipt {
        // Unique without a process id: the Message-ID is unique per message, and a second
        // delivery of the same one (a retry) gets a suffix instead of replacing the first.
        let host = ProcessInfo.processInfo.hostName.replacingOccurrences(of: "/", with: "\\057").replacingOccurrences(of: ":", with: "\\072")
        let base = "\(Int(now.timeIntervalSince1970)).M\(StableHash.hex(message.messageID, length: 12))"
        var name = "\(base).\(host)"
        var n = 1
        while FileManager.default.fileExists(atPath: "\(folder)/new/\(name)") || FileManager.default.fileExists(atPath: "\(folder)/cur/\(name)") {
            n += 1
            name = "\(base)Q\(n).\(host)"
        }
        let temporary = "\(folder)/tmp/\(name)", final = "\(folder)/new/\(name)"
        unlink(temporary)  // left by a crash while writing this same message
        // A link, not a rename: never replaces a message already there.
        do throws(AtomicFileError) {
            try AtomicFile.write(message.text.utf8, to: final, temporary: temporary, permissions: [.ownerReadWrite], placement: .keepExisting, sync: true)
        } catch {
            throw .refused(error.path == final ? "cannot deliver into \(folder)/new: \(error.errno.description)" : "cannot write \(error.description)")
        }
        return DeliveryReceipt(answer: "delivered to Maildir new/\(name)")
    }

    package func close() {}
}
