import DueTrailCore
import Testing

/// Merging one case changed by two people: united by meaning, conflicts only for one fact
/// changed two ways.
@Suite struct CaseMergeTests {
    static let base = """
        ---
        invoice: INV-1042
        customer: acme-gmbh
        issued: 2026-08-10
        due: 2026-09-09
        amount: 7150.00
        currency: EUR
        ---

        # Invoice INV-1042 — Acme GmbH

        ## Timeline

        - 2026-11-30 09:00 · opened · balance: 7150.00 EUR · by Ana Ruiz · #4c1f0a9e
        - 2026-12-01 10:00 · note · Called Jonas · by Ana Ruiz · #11111111

        """
    let path = "cases/acme-gmbh/inv-1042.md"

    func file(_ text: String) throws -> CaseFile { try CaseFile.parse(text, path: path).get() }
    func adding(_ line: String, to text: String = base) -> String { text + line + "\n" }

    @Test func aPromiseOnOneSideAndAPaymentOnTheOtherAreBothKeptInTimeOrder() throws {
        let ours = adding("- 2026-12-02 11:00 · promised · date: 2026-12-10 · by Ana Ruiz · #aaaa0001")
        let theirs = adding("- 2026-12-02 09:30 · payment · amount: 150.00 EUR · by Bo Chen · #bbbb0002")
        guard case .merged(let merged) = CaseMerge.merge(base: try file(Self.base), ours: try file(ours), theirs: try file(theirs), path: path) else {
            Issue.record("conflict")
            return
        }
        #expect(merged.events.map(\.id) == ["4c1f0a9e", "11111111", "bbbb0002", "aaaa0001"])
        #expect(merged.state.balance.display == "EUR 7,000.00" && merged.state.holds.promisedUntil?.iso == "2026-12-10")
        // Both sides the same way (the same draft generated twice): one event.
        let same = adding("- 2026-12-02 11:00 · promised · date: 2026-12-10 · by Ana Ruiz · #aaaa0001")
        guard case .merged(let once) = CaseMerge.merge(base: try file(Self.base), ours: try file(same), theirs: try file(same), path: path) else {
            Issue.record("conflict")
            return
        }
        #expect(once.events.count == 3)
        // Merging is symmetric in content.
        guard case .merged(let other) = CaseMerge.merge(base: try file(Self.base), ours: try file(theirs), theirs: try file(ours), path: path) else {
            Issue.record("merging the other way round conflicted")
            return
        }
        #expect(other.render() == merged.render())
    }

    @Test func aFactChangedTwoWaysIsAConflictNamingBothValues() throws {
        let ours = Self.base.replacingOccurrences(of: "amount: 7150.00", with: "amount: 7200.00")
        let theirs = Self.base.replacingOccurrences(of: "amount: 7150.00", with: "amount: 7100.00")
        let outcome = CaseMerge.merge(base: try file(Self.base), ours: try file(ours), theirs: try file(theirs), path: path)
        #expect(outcome == .conflicts([CaseMerge.Conflict(path: path, what: "amount", ours: "7200.00 EUR", theirs: "7100.00 EUR")]))
        #expect(String(describing: CaseMerge.Conflict(path: path, what: "amount", ours: "7200.00 EUR", theirs: "7100.00 EUR"))
            == "cases/acme-gmbh/inv-1042.md: amount changed on both sides: ours `7200.00 EUR`, theirs `7100.00 EUR`")
        // Changed on one side only: that side wins, with the other side's events.
        let moved = Self.base.replacingOccurrences(of: "due: 2026-09-09", with: "due: 2026-09-30")
        guard case .merged(let m) = CaseMerge.merge(base: try file(Self.base), ours: try file(moved), theirs: try file(adding("- 2026-12-03 · note · ok · by Bo Chen · #cccc0003")), path: path) else {
            Issue.record("conflict")
            return
        }
        #expect(m.facts.due.iso == "2026-09-30" && m.events.count == 3)
    }

    @Test func aRemovedEventStaysRemovedUnlessTheOtherSideChangedIt() throws {
        let removed = Self.base.replacingOccurrences(of: "- 2026-12-01 10:00 · note · Called Jonas · by Ana Ruiz · #11111111\n", with: "")
        guard case .merged(let m) = CaseMerge.merge(base: try file(Self.base), ours: try file(removed), theirs: try file(adding("- 2026-12-03 · note · ok · by Bo Chen · #cccc0003")), path: path) else {
            Issue.record("conflict")
            return
        }
        #expect(m.events.map(\.id) == ["4c1f0a9e", "cccc0003"])
        let edited = Self.base.replacingOccurrences(of: "Called Jonas", with: "Called Jonas twice")
        let outcome = CaseMerge.merge(base: try file(Self.base), ours: try file(removed), theirs: try file(edited), path: path)
        guard case .conflicts(let c) = outcome else {
            Issue.record("merged a removal against an edit")
            return
        }
        #expect(c.map(\.what) == ["event #11111111"] && c[0].ours == "(removed)")
    }
}
