import Foundation

/// The folder a new ledger goes into (`init`, `clone`): it must be new or empty, and a
/// failure never leaves half a ledger behind — the folder is removed if we made it, or
/// emptied again if it was given to us empty.
struct NewLedgerFolder {
    let path: String
    private let existed: Bool

    init(_ path: String) throws(LedgerError) {
        let fm = FileManager.default
        if let contents = try? fm.contentsOfDirectory(atPath: path), !contents.isEmpty {
            throw LedgerError.conflict("\(path) already exists and is not empty; choose a new folder")
        }
        self.path = path
        existed = fm.fileExists(atPath: path)
    }

    func discard() {
        let fm = FileManager.default
        if !existed {
            try? fm.removeItem(atPath: path)
        } else {
            for item in (try? fm.contentsOfDirectory(atPath: path)) ?? [] { try? fm.removeItem(atPath: path + "/" + item) }
        }
    }
}
