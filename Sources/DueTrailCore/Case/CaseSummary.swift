import Foundation

/// What the queue and import need to know of a case without reading its file again:
/// its facts and derived state. Kept in a cache keyed by git object ids.
package struct CaseSummary: Sendable, Equatable {
    /// Path in the ledger, e.g. `cases/acme-gmbh/inv-1042.md`.
    package var path: String
    package var facts: InvoiceFacts
    package var state: CaseState
    /// How many events the timeline holds (what `check` counts without reading the file).
    package var eventCount: Int
    /// Set when the committed file does not read (a bad hand edit): the facts and state above
    /// are then the file's as it last read, so the case never drops out of sight. Never cached.
    package var unreadable: UnreadableCase?

    package init(path: String, facts: InvoiceFacts, state: CaseState, eventCount: Int = 0) {
        self.path = path
        self.facts = facts
        self.state = state
        self.eventCount = eventCount
    }

    package init(path: String, file: CaseFile) {
        self.init(path: path, facts: file.facts, state: file.state, eventCount: file.events.count)
    }

    // MARK: Cache encoding: one tab-separated line per case.

    package var cacheLine: String {
        let fields: [String] = [
            path, facts.number, facts.customer, facts.issued?.iso ?? "", facts.due.iso, facts.amount.plain, facts.amount.currency.code,
            facts.source ?? "", facts.reference ?? "", state.balance.plain, state.status.rawValue, state.closedReason ?? "",
            state.lastEvent?.iso ?? "", Self.cadenceField(state), facts.account ?? "", Self.importField(state.importStorage),
            String(eventCount),
        ]
        return fields.map(Self.escape).joined(separator: "\t")
    }

    package init?(cacheLine line: Substring) {
        self.init(cacheFields: line.utf8.split(separator: 9, omittingEmptySubsequences: false).map { Self.unescape(Substring($0)) })
    }

    /// Decodes a cache line that the caller already split on tabs (and unescaped).
    package init?(cacheFields f: [String]) {
        self.init(cacheFields: f[...])
    }

    /// How many tab-separated fields a cache line has.
    package static let cacheFieldCount = 17

    /// What the last import said, in one field: balance, due, issued and total, then the
    /// events since, joined by U+001F (the events by U+001E); empty for a case no import made.
    static func importField(_ storage: ImportBaseStorage) -> String {
        let b: ImportBase
        switch storage {
        case .none: return ""
        case .encoded(let text): return text
        case .decoded(let base): b = base
        }
        let since = b.since.map { $0.filter { $0 != "\u{1F}" && $0 != "\u{1E}" } }.joined(separator: "\u{1E}")
        return ["+", b.balance?.plain ?? "", b.due?.iso ?? "", b.issued?.iso ?? "", b.total?.plain ?? "", since].joined(separator: "\u{1F}")
    }

    static func importBase(_ field: String, currency: Currency) -> ImportBase? {
        let p = field.split(separator: "\u{1F}", omittingEmptySubsequences: false)
        guard p.count == 6, p[0] == "+" else { return nil }
        return ImportBase(
            balance: Decimals.parsePlain(p[1]).map { Money($0, currency) }, due: CalendarDate(iso: p[2]), issued: CalendarDate(iso: p[3]),
            total: Decimals.parsePlain(p[4]).map { Money($0, currency) }, since: p[5].isEmpty ? [] : p[5].split(separator: "\u{1E}").map(String.init))
    }

    /// Where the case stands in its cadence, in one field (empty for most cases, so the cache
    /// of 100,000 cases stays quick to read): fifteen parts joined by U+001F.
    static func cadenceField(_ state: CaseState) -> String {
        let h = state.holds
        let parts = [
            state.lastStep ?? "", state.lastStepDate?.iso ?? "", state.lastReminder?.iso ?? "", h.disputedSince?.iso ?? "",
            h.escalatedSince?.iso ?? "", h.snoozedUntil?.iso ?? "", h.promisedUntil?.iso ?? "", h.replySince?.iso ?? "",
            state.messageIDs.map { $0.filter { $0 != "\u{1F}" } }.joined(separator: " "),
            h.promiseMade?.iso ?? "", h.balanceAtPromise?.plain ?? "", h.promiseTarget?.plain ?? "", h.escalatedTo ?? "",
            (state.failingContact ?? "").filter { $0 != "\u{1F}" },
            state.reminderDates.map(\.iso).joined(separator: " "),
        ]
        return parts.allSatisfy(\.isEmpty) ? "" : parts.joined(separator: "\u{1F}")
    }

    /// Decodes the fields of a cache line (a slice, so the caller can reuse one buffer).
    package init?(cacheFields all: ArraySlice<String>) {
        let f = all.startIndex == 0 ? all : ArraySlice(all)  // index from 0 below
        guard f.count == Self.cacheFieldCount, let due = CalendarDate(iso: f[4]), let currency = Currency(code: f[6]),
            let amount = Decimals.parsePlain(f[5]), let balance = Decimals.parsePlain(f[9]), let status = CaseState.Status(rawValue: f[10]),
            let eventCount = Int(f[16])
        else { return nil }
        self.eventCount = eventCount
        path = f[0]
        facts = InvoiceFacts(
            number: f[1], customer: f[2], issued: CalendarDate(iso: f[3]), due: due, amount: Money(amount, currency),
            source: f[7].isEmpty ? nil : f[7], account: f[14].isEmpty ? nil : f[14], reference: f[8].isEmpty ? nil : f[8])
        state = CaseState(balance: Money(balance, currency), balanceText: f[9], status: status, closedReason: f[11].isEmpty ? nil : f[11], lastEvent: CalendarDate(iso: f[12]))
        if !f[15].isEmpty {
            guard f[15].hasPrefix("+\u{1F}") else { return nil }
            state.importStorage = .encoded(f[15])
        }
        guard !f[13].isEmpty else { return }
        let c = f[13].split(separator: "\u{1F}", omittingEmptySubsequences: false)
        guard c.count == 15 else { return nil }
        state.lastStep = c[0].isEmpty ? nil : String(c[0])
        state.lastStepDate = CalendarDate(iso: c[1])
        // c[2], the last reminder's day, is `reminderDates.last` (c[14]); kept in the line for its layout.
        state.holds.disputedSince = CalendarDate(iso: c[3])
        state.holds.escalatedSince = CalendarDate(iso: c[4])
        state.holds.snoozedUntil = CalendarDate(iso: c[5])
        state.holds.promisedUntil = CalendarDate(iso: c[6])
        state.holds.replySince = CalendarDate(iso: c[7])
        state.messageIDs = c[8].isEmpty ? [] : c[8].split(separator: " ").map(String.init)
        if let made = CalendarDate(iso: c[9]), let before = Decimals.parsePlain(c[10]), let target = Decimals.parsePlain(c[11]) {
            state.holds.promiseTerms = PromiseTerms(made: made, balanceBefore: Money(before, currency), target: Money(target, currency))
        }
        state.holds.escalatedTo = c[12].isEmpty ? nil : String(c[12])
        state.failingContact = c[13].isEmpty ? nil : String(c[13])
        state.reminderDates = c[14].split(separator: " ").compactMap { CalendarDate(iso: $0) }
    }

    package static func escape(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == 9 || $0 == 10 || $0 == 92 || $0 == 13 }) else { return s }
        return s.replacingAll("\\", with: "\\\\").replacingAll("\t", with: "\\t")
            .replacingAll("\n", with: "\\n").replacingAll("\r", with: "\\r")
    }

    package static func unescape(_ s: Substring) -> String {
        guard s.utf8.contains(92) else { return String(s) }
        var out = ""
        var escaping = false
        for c in s {
            if escaping {
                switch c {
                case "t": out.append("\t")
                case "n": out.append("\n")
                case "r": out.append("\r")
                default: out.append(c)
                }
                escaping = false
            } else if c == "\\" {
                escaping = true
            } else {
                out.append(c)
            }
        }
        return out
    }
}

extension CaseState {
    init(balance: Money, balanceText: String, status: Status, closedReason: String?, lastEvent: CalendarDate?) {
        self.balance = balance
        self.balanceMinor = Decimals.minorUnits(balanceText, scale: balance.currency.minorDigits) ?? balance.minorUnits
        self.status = status
        self.closedReason = closedReason
        self.lastEvent = lastEvent
    }
}

/// A committed case file that does not read: its problems, and where its facts and state were
/// last read from (nil when no committed version ever read).
package struct UnreadableCase: Sendable, Equatable {
    package var problems: [Diagnostic]
    /// The commit (full hex id) whose version of the file was the last to read, and its day.
    package var lastReadCommit: String?
    package var lastReadDay: CalendarDate?

    package init(problems: [Diagnostic], lastReadCommit: String? = nil, lastReadDay: CalendarDate? = nil) {
        self.problems = problems
        self.lastReadCommit = lastReadCommit
        self.lastReadDay = lastReadDay
    }

    /// The first problem as `path:line: message`, and how many more.
    package var headline: String {
        guard let first = problems.first else { return "does not read" }
        return first.headline + (problems.count > 1 ? " (and \(problems.count - 1) more)" : "")
    }
}
