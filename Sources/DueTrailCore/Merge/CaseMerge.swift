/// A three-way merge of one case file by meaning, not by lines: what lets two people record
/// a promise and a payment on the same case at once and both keep their work.
///
/// - Timeline events are united by their id: an event added on either side is kept, an event
///   one side removed is removed, and the result is ordered by time (events of the same
///   minute keep our order, then theirs).
/// - Each invoice fact (amount, due date, …) merges on its own: changed on one side, that
///   side wins; changed the same way on both, fine; changed two ways, a conflict.
/// - The person's own text (other front-matter keys, prose above and below the timeline)
///   merges the same way, as a whole.
///
/// A conflict names the case, what is in conflict and both values; nothing is lost, and
/// nothing is merged until a person settles it.
package enum CaseMerge {
    /// One thing changed two ways.
    package struct Conflict: Sendable, Equatable, CustomStringConvertible {
        package let path: String
        /// `amount`, `event #7f3a9c1e`, `notes`…
        package let what: String
        package let ours: String
        package let theirs: String

        package init(path: String, what: String, ours: String, theirs: String) {
            self.path = path
            self.what = what
            self.ours = ours
            self.theirs = theirs
        }

        package var description: String { "\(path): \(what) changed on both sides: ours `\(ours)`, theirs `\(theirs)`" }
    }

    /// Merges `ours` and `theirs`, both changed from `base` (nil: the case is new on both
    /// sides, merged as if from an empty timeline with the same facts).
    package enum Outcome: Sendable, Equatable {
        case merged(CaseFile)
        case conflicts([Conflict])
    }

    /// Which side a person chose to keep where the two sides disagree (`sync --take`).
    package enum Side: String, Sendable, CaseIterable {
        case ours, theirs
    }

    /// `settle`: keep that side's value wherever the sides disagree, instead of reporting a
    /// conflict (a person looked at the conflicts and chose).
    package static func merge(base: CaseFile?, ours: CaseFile, theirs: CaseFile, path: String, settle: Side? = nil) -> Outcome {
        var conflicts: [Conflict] = []
        func pick<T: Equatable>(_ what: String, _ b: T?, _ o: T, _ t: T, show: (T) -> String) -> T {
            if o == t { return o }
            if let b, o == b { return t }
            if let b, t == b { return o }
            if let settle { return settle == .ours ? o : t }
            conflicts.append(Conflict(path: path, what: what, ours: show(o), theirs: show(t)))
            return o
        }
        var merged = ours
        let bf = base?.facts
        merged.facts.number = pick("invoice", bf?.number, ours.facts.number, theirs.facts.number) { $0 }
        merged.facts.customer = pick("customer", bf?.customer, ours.facts.customer, theirs.facts.customer) { $0 }
        merged.facts.issued = pick("issued", bf.map(\.issued), ours.facts.issued, theirs.facts.issued) { $0?.iso ?? "(none)" }
        merged.facts.due = pick("due", bf?.due, ours.facts.due, theirs.facts.due) { $0.iso }
        merged.facts.amount = pick("amount", bf?.amount, ours.facts.amount, theirs.facts.amount) { $0.description }
        merged.facts.source = pick("source", bf.map(\.source), ours.facts.source, theirs.facts.source) { $0 ?? "(none)" }
        merged.facts.account = pick("source_account", bf.map(\.account), ours.facts.account, theirs.facts.account) { $0 ?? "(none)" }
        merged.facts.reference = pick("reference", bf.map(\.reference), ours.facts.reference, theirs.facts.reference) { $0 ?? "(none)" }
        merged.extraFrontMatter = pick("front matter", base?.extraFrontMatter, ours.extraFrontMatter, theirs.extraFrontMatter) { $0 }
        merged.leadingFrontMatter = pick("front-matter comments", base?.leadingFrontMatter, ours.leadingFrontMatter, theirs.leadingFrontMatter) { $0 }
        merged.preamble = pick("text above the timeline", base?.preamble, ours.preamble, theirs.preamble) { $0 }
        merged.postamble = pick("text below the timeline", base?.postamble, ours.postamble, theirs.postamble) { $0 }

        // Events by id.
        let baseEvents = Dictionary((base?.events ?? []).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let ourEvents = Dictionary(ours.events.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let theirEvents = Dictionary(theirs.events.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var result: [TimelineEvent] = []
        for e in ours.events {
            if let t = theirEvents[e.id] {
                result.append(pick("event #\(e.id)", baseEvents[e.id], e, t) { $0.line })
            } else if baseEvents[e.id] == nil {
                result.append(e)  // added by us
            } else if baseEvents[e.id] != e {
                if settle == .ours { result.append(e) } else if settle == nil {
                    conflicts.append(Conflict(path: path, what: "event #\(e.id)", ours: e.line, theirs: "(removed)"))
                }
            }
            // else: they removed it and we did not touch it: removed.
        }
        for e in theirs.events where ourEvents[e.id] == nil {
            if baseEvents[e.id] == nil {
                result.append(e)  // added by them
            } else if baseEvents[e.id] != e {
                if settle == .theirs { result.append(e) } else if settle == nil {
                    conflicts.append(Conflict(path: path, what: "event #\(e.id)", ours: "(removed)", theirs: e.line))
                }
            }
        }
        // By time; the same minute keeps the order above (ours, then theirs). An event without
        // a time sorts at the start of its day, as it was typed.
        merged.events = result.enumerated().sorted { a, b in
            let ka = (a.element.date, a.element.minutes ?? -1), kb = (b.element.date, b.element.minutes ?? -1)
            if ka != kb { return ka < kb }
            return a.offset < b.offset
        }.map(\.element)
        return conflicts.isEmpty ? .merged(merged) : .conflicts(conflicts)
    }
}
