import Foundation

/// Messages on disk as mail programs leave them: a Maildir folder (`cur/`, `new/`: one file a
/// message, what mbsync, getmail or fetchmail write) or an mbox file (messages after `From `
/// lines, what a mail client exports).
package enum Mailbox {
    package struct Message: Sendable {
        /// Where it came from: the Maildir file, or `mbox:<line>`.
        package let source: String
        package let bytes: [UInt8]
    }

    /// What a mailbox held: the messages read, and the entries that were not, each with why
    /// (a FIFO, a folder, a link to a device, a file over the size limit). One bad entry never
    /// stops the others from being imported.
    package struct Contents: Sendable {
        package var messages: [Message] = []
        package var unreadable: [(source: String, reason: String)] = []
    }

    package enum Problem: Error, CustomStringConvertible {
        case missing(String)
        case unreadable(String, String)

        package var description: String {
            switch self {
            case .missing(let path): return "\(path): no such Maildir folder or mbox file"
            case .unreadable(let path, let why): return "\(path): \(why)"
            }
        }
    }

    /// The largest message read (as `MailMessage.maxBytes`); a bigger one is listed.
    package static let messageLimit = 25 << 20
    /// The largest mbox file read.
    package static let mboxLimit = 1 << 30

    package static func read(_ path: String) throws(Problem) -> Contents {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw .missing(path) }
        return isDirectory.boolValue ? try maildir(path) : try mbox(path)
    }

    /// `new/` then `cur/`, each in file-name order (Maildir names start with the time).
    static func maildir(_ path: String) throws(Problem) -> Contents {
        let fm = FileManager.default
        let folders = ["new", "cur"].map { path + "/" + $0 }.filter { folder in
            var isDirectory: ObjCBool = false
            return fm.fileExists(atPath: folder, isDirectory: &isDirectory) && isDirectory.boolValue
        }
        guard !folders.isEmpty else { throw .unreadable(path, "a folder without `cur/` or `new/` is not a Maildir") }
        var out = Contents()
        for folder in folders {
            let names: [String]
            do { names = try fm.contentsOfDirectory(atPath: folder).filter { !$0.hasPrefix(".") }.sorted() } catch {
                throw .unreadable(folder, error.localizedDescription)
            }
            for name in names {
                let file = folder + "/" + name
                do throws(MailFile.Refusal) {
                    out.messages.append(Message(source: file, bytes: try MailFile.read(file, limit: messageLimit)))
                } catch {
                    out.unreadable.append((file, error.reason))
                }
            }
        }
        return out
    }

    /// Splits at `From ` lines that start the file or follow an empty line; `>From ` in a
    /// body is unescaped. One pass over the bytes.
    static func mbox(_ path: String) throws(Problem) -> Contents {
        let bytes: [UInt8]
        do throws(MailFile.Refusal) { bytes = try MailFile.read(path, limit: mboxLimit) } catch { throw .unreadable(path, error.reason) }
        guard bytes.starts(with: Array("From ".utf8)) else {
            throw .unreadable(path, "not an mbox file (it does not start with a `From ` line); give a Maildir folder or an mbox file")
        }
        var out = Contents()
        var current: [UInt8] = []
        var tooLarge = false
        var startLine = 1
        var lineNumber = 0
        var previousEmpty = true
        var i = 0
        func finish() {
            while current.last == 10 || current.last == 13 { current.removeLast() }
            if tooLarge {
                out.unreadable.append(("\(path):\(startLine)", "over the \(MailFile.size(messageLimit)) a message may have"))
            } else if !current.isEmpty {
                out.messages.append(Message(source: "\(path):\(startLine)", bytes: current + [10]))
            }
            current = []
            tooLarge = false
        }
        let from = Array("From ".utf8), quotedFrom = Array(">From ".utf8)
        while i < bytes.count {
            var end = i
            while end < bytes.count && bytes[end] != 10 { end += 1 }
            let line = bytes[i..<min(end + 1, bytes.count)]
            lineNumber += 1
            if previousEmpty && line.starts(with: from) {
                finish()
                startLine = lineNumber + 1
            } else if !tooLarge {
                current += line.starts(with: quotedFrom) ? line.dropFirst() : line
                if current.count > messageLimit {
                    tooLarge = true
                    current = []
                }
            }
            previousEmpty = line.allSatisfy { $0 == 10 || $0 == 13 }
            i = end + 1
        }
        finish()
        return out
    }
}
