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

    package static func read(_ path: String) throws(Problem) -> [Message] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw .missing(path) }
        return isDirectory.boolValue ? try maildir(path) : try mbox(path)
    }

    /// `new/` then `cur/`, each in file-name order (Maildir names start with the time).
    static func maildir(_ path: String) throws(Problem) -> [Message] {
        let fm = FileManager.default
        let folders = ["new", "cur"].map { path + "/" + $0 }.filter { fm.fileExists(atPath: $0) }
        guard !folders.isEmpty else { throw .unreadable(path, "a folder without `cur/` or `new/` is not a Maildir") }
        var out: [Message] = []
        for folder in folders {
            let names: [String]
            do { names = try fm.contentsOfDirectory(atPath: folder).filter { !$0.hasPrefix(".") }.sorted() } catch {
                throw .unreadable(folder, error.localizedDescription)
            }
            for name in names {
                let file = folder + "/" + name
                guard let data = fm.contents(atPath: file) else { throw .unreadable(file, "cannot be read") }
                out.append(Message(source: file, bytes: [UInt8](data)))
            }
        }
        return out
    }

    /// Splits at `From ` lines that start the file or follow an empty line; `>From ` in a
    /// body is unescaped.
    static func mbox(_ path: String) throws(Problem) -> [Message] {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path, "cannot be read") }
        let bytes = [UInt8](data)
        guard bytes.starts(with: Array("From ".utf8)) else {
            throw .unreadable(path, "not an mbox file (it does not start with a `From ` line); give a Maildir folder or an mbox file")
        }
        var out: [Message] = []
        var current: [UInt8] = []
        var startLine = 1
        var lineNumber = 0
        var previousEmpty = true
        var i = 0
        func finish() {
            while current.last == 10 || current.last == 13 { current.removeLast() }
            if !current.isEmpty { out.append(Message(source: "\(path):\(startLine)", bytes: current + [10])) }
            current = []
        }
        while i < bytes.count {
            var end = i
            while end < bytes.count && bytes[end] != 10 { end += 1 }
            let line = bytes[i..<min(end + 1, bytes.count)]
            lineNumber += 1
            if previousEmpty && line.starts(with: Array("From ".utf8)) {
                finish()
                startLine = lineNumber + 1
            } else if line.starts(with: Array(">From ".utf8)) {
                current += line.dropFirst()
            } else {
                current += line
            }
            previousEmpty = line.allSatisfy { $0 == 10 || $0 == 13 }
            i = end + 1
        }
        finish()
        return out
    }
}
