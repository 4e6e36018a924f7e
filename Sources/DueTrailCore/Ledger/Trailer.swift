import Foundation

/// A `Key: value` line at the end of a commit message the tool writes (`DueTrail-Action:
/// send`): what `audit`, `report activity` and the history read instead of guessing from the
/// subject. One vocabulary for every writer and reader.
package struct Trailer: Sendable, Equatable {
    package enum Key: String, Sendable, CaseIterable {
        /// What the tool did (`LedgerAction`).
        case action = "DueTrail-Action"
        /// An invoice number the commit touched; one line per case.
        case caseNumber = "DueTrail-Case"
        /// A draft's path (approved, rejected, withdrawn).
        case draft = "DueTrail-Draft"
        /// The Message-ID of a reminder sent.
        case messageID = "DueTrail-Message-ID"
        /// Who approved drafts made in the same commit (`policy`).
        case approvedBy = "DueTrail-Approved-By"
        /// The customer whose policy approved them.
        case policy = "DueTrail-Policy"
        /// The review branch a draft commit proposes.
        case reviewBranch = "DueTrail-Review-Branch"
        /// The file an import read, and its format.
        case source = "DueTrail-Source"
        case format = "DueTrail-Format"
        /// How a send delivered (`smtp`, `maildir`, …).
        case transport = "DueTrail-Transport"
        /// The customer a settings change is for.
        case customer = "DueTrail-Customer"
        /// A balance the import accepted although it raised the ledger's.
        case acceptedExportBalance = "DueTrail-Accepted-Export-Balance"
        /// Who acted other than the person at the keyboard (`portal`).
        case via = "Via"
    }

    package let key: Key
    package let value: String

    package init(_ key: Key, _ value: String) {
        self.key = key
        self.value = value
    }

    package static func action(_ action: LedgerAction) -> Trailer { Trailer(.action, action.rawValue) }
    package static func caseNumber(_ number: String) -> Trailer { Trailer(.caseNumber, number) }
    package static func draft(_ path: String) -> Trailer { Trailer(.draft, path) }
    /// On a draft commit whose drafts a customer's committed policy approved.
    package static let approvedByPolicy = Trailer(.approvedBy, "policy")

    /// The line in the message (a value never spans lines).
    package var line: String { "\(key.rawValue): \(value.replacingOccurrences(of: "\n", with: " "))" }
}

/// What a tool-made commit did: the value of its `DueTrail-Action` trailer.
package enum LedgerAction: String, Sendable, CaseIterable {
    case initialize = "init"
    case setup, sync, customer, inbox, draft, approve, reject, send
    case importInvoices = "import-invoices"
    case importPayments = "import-payments"
    case withdraw
    case promise, pay, dispute, resolve, escalate, deescalate, contact, snooze, note, ack
    /// A task step finished, or a step skipped.
    case done, skip
    /// A customer put on hold, or released.
    case hold, release
    /// An earlier event's effect cancelled (`reverse`).
    case reverse
    /// A customer's credit applied to another invoice (`apply-credit`).
    case applyCredit = "apply-credit"
}

/// The trailers of a commit message: the `Key: value` lines of its last paragraph.
package struct TrailerLines: Sendable {
    private let pairs: [(String, String)]

    package init(_ message: String) {
        let paragraphs = message.trimmingCharacters(in: .whitespacesAndNewlines).components(separatedBy: "\n\n")
        guard paragraphs.count > 1, let last = paragraphs.last else {
            pairs = []
            return
        }
        pairs = last.split(separator: "\n").compactMap { line in
            guard let colon = line.firstIndex(of: ":"), !line[..<colon].contains(" ") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
    }

    package func values(_ key: Trailer.Key) -> [String] { pairs.filter { $0.0 == key.rawValue }.map(\.1) }

    /// The action the tool recorded; nil for a commit made by hand.
    package var actionName: String? { values(.action).last }
    /// Drafts in this commit were approved by a customer's policy.
    package var approvedByPolicy: Bool { values(.approvedBy).contains(Trailer.approvedByPolicy.value) }
    /// The Message-IDs a `send` commit records as delivered (none for any other commit).
    package var sentMessageIDs: [String] { action == .send ? values(.messageID) : [] }
    /// The same, when this version knows it.
    package var action: LedgerAction? { actionName.flatMap(LedgerAction.init(rawValue:)) }
}
