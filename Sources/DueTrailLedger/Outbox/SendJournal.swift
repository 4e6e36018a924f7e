import AtomicFiles
import DueTrailCore
import Foundation

/// The record that makes `send` at-most-once: before a message is handed to the transport
/// its intent (and the exact bytes) is written here and flushed to disk; what the server then
/// said is appended. After a crash, an intent with no outcome is a message whose delivery is
/// uncertain: it is never sent again by the tool until a person settles it (`--mark-delivered`
/// or `--retry`). A delivered message whose ledger commit did not happen yet is committed by
/// the next `send` from what is kept here.
///
/// One append-only file, `.git/duetrail/send.journal`, one tab-separated line per step:
///
///     intent   ID  DRAFT-PATH  BLOB  MESSAGE-ID  TIME  BASE64(BYTES)  BASE64(RECIPIENTS)
///     sent     ID  BASE64(ANSWER)  BASE64(REFUSED)
///     failed   ID  BASE64(REASON)
///     uncertain ID BASE64(REASON)
///     marked   ID  BASE64(WHO)          a person says it was delivered
///     released ID  BASE64(WHO)          a person says it was not: send it again
///     recorded ID  COMMIT
///
/// Lives in the git folder: per clone, never committed. A lock file keeps two `send` runs in
/// one clone apart.
final class SendJournal {
    enum State: Equatable {
        case intent, sent, failed, uncertain, marked, released, recorded
    }

    struct Entry {
        let id: String
        let draftPath: String
        let blob: String
        let messageID: String
        let time: String
        let text: String
        let recipients: [String]
        var state: State
        var answer: String = ""
        var refused: [(recipient: String, answer: String)] = []
        var reason: String = ""
        var settledBy: String = ""

        /// Delivery may have happened and nobody has said whether it did.
        var isUncertain: Bool { state == .intent || state == .uncertain }
        /// Delivered (or said to be) but not yet in the ledger.
        var needsRecording: Bool { state == .sent || state == .marked }
    }

    let path: String
    private(set) var entries: [String: Entry] = [:]
    private(set) var order: [String] = []
    private var handle: FileHandle?
    private var lockDescriptor: Int32 = -1

    init(gitDirectory: String) {
        path = gitDirectory + (gitDirectory.hasSuffix("/") ? "" : "/") + "duetrail/send.journal"
    }

    deinit {
        try? handle?.close()
        if lockDescriptor >= 0 { Foundation.close(lockDescriptor) }
    }

    /// Takes the clone's send lock and reads the journal.
    func open() throws(LedgerError) {
        let folder = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        lockDescriptor = Foundation.open(folder + "/send.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard lockDescriptor >= 0, flock(lockDescriptor, LOCK_EX | LOCK_NB) == 0 else {
            throw LedgerError.lostRace("another `duetrail send` is running in this clone; wait for it to finish, then run send again")
        }
        if let data = FileManager.default.contents(atPath: path) {
            let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
            for (n, line) in lines.enumerated() {
                // A line cut short by a crash is the last one; anything else unreadable is damage.
                guard apply(line) else {
                    if n == lines.count - 1 { continue }
                    throw LedgerError.io(path: path, message: "line \(n + 1) of the send journal does not read; it records which messages went out, so it is not repaired automatically")
                }
            }
        }
    }

    /// Entries in the order they were first recorded.
    var all: [Entry] { order.compactMap { entries[$0] } }

    private func apply(_ line: Substring) -> Bool {
        let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        guard f.count >= 2 else { return false }
        let id = f[1]
        func decoded(_ i: Int) -> String? { i < f.count ? Data(base64Encoded: f[i]).map { String(decoding: $0, as: UTF8.self) } : nil }
        switch f[0] {
        case "intent":
            guard f.count == 8, let text = decoded(6), let recipients = decoded(7) else { return false }
            if entries[id] == nil { order.append(id) }
            entries[id] = Entry(id: id, draftPath: f[2], blob: f[3], messageID: f[4], time: f[5], text: text,
                recipients: recipients.split(separator: "\n").map(String.init), state: .intent)
        case "sent":
            guard f.count == 4, let answer = decoded(2), let refused = decoded(3) else { return false }
            entries[id]?.state = .sent
            entries[id]?.answer = answer
            entries[id]?.refused = refused.split(separator: "\n").compactMap { pair in
                let kv = pair.split(separator: "\t", maxSplits: 1)
                return kv.count == 2 ? (String(kv[0]), String(kv[1])) : nil
            }
        case "failed", "uncertain":
            guard let reason = decoded(2) else { return false }
            entries[id]?.state = f[0] == "failed" ? .failed : .uncertain
            entries[id]?.reason = reason
        case "marked", "released":
            guard let who = decoded(2) else { return false }
            entries[id]?.state = f[0] == "marked" ? .marked : .released
            entries[id]?.settledBy = who
            if f[0] == "marked" { entries[id]?.answer = "marked delivered by \(who); no server answer was recorded" }
        case "recorded":
            entries[id]?.state = .recorded
        default:
            return false
        }
        return true
    }

    private func append(_ fields: [String], sync: Bool) throws(LedgerError) {
        let line = fields.joined(separator: "\t") + "\n"
        do {
            if handle == nil {
                if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
                handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
                try handle?.seekToEnd()
            }
            try handle?.write(contentsOf: Data(line.utf8))
            if sync { try handle?.synchronize() }
        } catch {
            throw LedgerError.io(path: path, message: "cannot write the send journal: \(error.localizedDescription)")
        }
        _ = apply(Substring(line.dropLast()))
    }

    static func b64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    // The lines, built in one place for recording and for `compact`.
    static func intentLine(id: String, draftPath: String, blob: String, messageID: String, time: String, text: String, recipients: [String]) -> [String] {
        ["intent", id, draftPath, blob, messageID, time, b64(text), b64(recipients.joined(separator: "\n"))]
    }

    static func sentLine(id: String, answer: String, refused: [(recipient: String, answer: String)]) -> [String] {
        ["sent", id, b64(answer), b64(refused.map { "\($0.recipient)\t\($0.answer)" }.joined(separator: "\n"))]
    }

    /// Recorded and flushed to disk before the message is handed over.
    func recordIntent(id: String, draftPath: String, blob: String, message: OutgoingMessage, time: String) throws(LedgerError) {
        try append(Self.intentLine(id: id, draftPath: draftPath, blob: blob, messageID: message.messageID, time: time, text: message.text, recipients: message.recipients), sync: true)
    }

    func recordSent(id: String, receipt: DeliveryReceipt) throws(LedgerError) {
        try append(Self.sentLine(id: id, answer: receipt.answer, refused: receipt.refused), sync: false)
    }

    func recordFailed(id: String, reason: String) throws(LedgerError) { try append(["failed", id, Self.b64(reason)], sync: false) }
    func recordUncertain(id: String, reason: String) throws(LedgerError) { try append(["uncertain", id, Self.b64(reason)], sync: true) }
    func recordMarked(id: String, by who: String) throws(LedgerError) { try append(["marked", id, Self.b64(who)], sync: true) }
    func recordReleased(id: String, by who: String) throws(LedgerError) { try append(["released", id, Self.b64(who)], sync: true) }
    func recordRecorded(ids: [String], commit: String) throws(LedgerError) {
        for id in ids { try append(["recorded", id, commit], sync: false) }
        do { try handle?.synchronize() } catch {}
    }

    /// Keeps only what is still open (uncertain, or delivered and not yet recorded); removes
    /// the file when nothing is.
    func compact() {
        let open = all.filter { $0.isUncertain || $0.needsRecording }
        try? handle?.close()
        handle = nil
        if open.isEmpty {
            try? FileManager.default.removeItem(atPath: path)
            return
        }
        guard open.count < order.count else { return }
        var text = ""
        for e in open {
            text += Self.intentLine(id: e.id, draftPath: e.draftPath, blob: e.blob, messageID: e.messageID, time: e.time, text: e.text, recipients: e.recipients)
                .joined(separator: "\t") + "\n"
            switch e.state {
            case .sent:
                text += Self.sentLine(id: e.id, answer: e.answer, refused: e.refused).joined(separator: "\t") + "\n"
            case .marked: text += ["marked", e.id, Self.b64(e.settledBy)].joined(separator: "\t") + "\n"
            case .uncertain: text += ["uncertain", e.id, Self.b64(e.reason)].joined(separator: "\t") + "\n"
            default: break
            }
        }
        // Compaction only: a journal that cannot be rewritten stays as it was.
        try? AtomicFile.write(text.utf8, to: path, sync: true)
    }
}
