import DueTrailCore
import Foundation

/// Delivers into a Maildir folder (`tmp/`, `new/`, `cur/`), as a local delivery agent does:
/// written whole in `tmp/`, flushed to disk, then renamed into `new/`, so a mail client never
/// sees half a message. The default transport: nothing leaves the machine.
public final class MaildirTransport: MailTransport {
    public let folder: String
    public var description: String { "maildir \(folder)" }
    public var capabilities: OutgoingMessage.Capabilities { .local }
    private var counter = 0

    public init(folder: String) {
        self.folder = folder
    }

    public func open() throws(DeliveryError) {
        for sub in ["tmp", "new", "cur"] {
            do {
                try FileManager.default.createDirectory(atPath: folder + "/" + sub, withIntermediateDirectories: true)
            } catch {
                throw .unavailable("cannot create the Maildir folder \(folder)/\(sub): \(error.localizedDescription)")
            }
        }
    }

    public func deliver(_ message: OutgoingMessage) throws(DeliveryError) -> DeliveryReceipt {
        counter += 1
        let now = Date().timeIntervalSince1970
        let seconds = Int(now), micros = Int((now - Double(seconds)) * 1_000_000)
        let host = ProcessInfo.processInfo.hostName.replacingOccurrences(of: "/", with: "\\057").replacingOccurrences(of: ":", with: "\\072")
        let name = "\(seconds).M\(micros)P\(getpid())Q\(counter).\(host)"
        let temporary = "\(folder)/tmp/\(name)", final = "\(folder)/new/\(name)"
        let bytes = Array(message.text.utf8)
        let fd = Foundation.open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .refused("cannot create \(temporary): \(String(cString: strerror(errno)))") }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n <= 0 {
                let why = String(cString: strerror(errno))
                Foundation.close(fd)
                unlink(temporary)
                throw .refused("cannot write \(temporary): \(why)")
            }
            written += n
        }
        let synced = fsync(fd) == 0
        Foundation.close(fd)
        guard synced, rename(temporary, final) == 0 else {
            let why = String(cString: strerror(errno))
            unlink(temporary)
            throw .refused("cannot deliver into \(folder)/new: \(why)")
        }
        return DeliveryReceipt(answer: "delivered to Maildir new/\(name)")
    }

    public func close() {}
}
