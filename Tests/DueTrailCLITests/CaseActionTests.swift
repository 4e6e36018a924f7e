import Foundation
import Testing
import TestSupport

/// Promises, payments, disputes, escalations, contacts and snoozes on the example ledger
/// (2026-11-30), each one commit by the person acting, and their effect on the cadence over
/// the following days.
@Suite struct CaseActionTests {
    let sandbox: Sandbox
    let dir: String
    init() throws {
        sandbox = try Sandbox()
        dir = try sandbox.exampleLedger()
    }

    func run(_ args: [String], on day: String? = nil) throws -> ProcessResult {
        try sandbox.duetrail(args, in: dir, extraEnvironment: day.map(Sandbox.clock(on:)) ?? [:])
    }

    func git(_ args: [String]) throws -> String { try sandbox.git(args, in: dir).stdout }
    func caseFile(_ path: String) throws -> String { try sandbox.read("ledger/" + path) }

    /// The next-action column of one invoice's row in the full queue.
    func nextAction(_ invoice: String, on day: String? = nil) throws -> String {
        let q = try run(["queue", "--json"], on: day)
        let rows = (try JSONSerialization.jsonObject(with: Data(q.stdout.utf8)) as? [String: Any])?["cases"] as? [[String: Any]] ?? []
        return rows.first { ($0["invoice"] as? String) == invoice }?["nextAction"] as? String ?? "(not in the queue)"
    }

    @Test func aFullPaymentClosesTheCaseAndWithdrawsItsDraftsApprovedOrNot() throws {
        #expect(try run(["draft"]).status == 0)
        #expect(try run(["approve", "acme-gmbh"]).status == 0)
        // Approved (acme) and awaiting review (fjord): both go when the invoice is paid.
        let acme = try run(["pay", "INV-1093", "--amount", "920.00", "--reference", "BANK-7731"])
        #expect(acme.status == 0, "\(acme)")
        #expect(acme.stdout.contains("Withdrew outbox/acme-gmbh/2026-11-30-statement.eml: a paid invoice is never chased"))
        #expect(acme.stdout.contains("Balance now EUR 0.00 — paid in full, case closed"))
        #expect(try caseFile("cases/acme-gmbh/inv-1093.md").contains("- 2026-11-30 09:00 · payment · amount: 920.00 EUR · reference: BANK-7731 · by Ana Ruiz"))
        let log = try git(["log", "-1", "--format=%an|%s%n%(trailers:only,unfold)"])
        #expect(log.hasPrefix("Ana Ruiz|pay: INV-1093 EUR 920.00 (paid in full)\nDueTrail-Action: pay\nDueTrail-Case: INV-1093\nDueTrail-Draft: outbox/acme-gmbh/2026-11-30-statement.eml\n"), "\(log)")
        #expect(try git(["ls-files", "outbox/acme-gmbh"]).isEmpty)
        let fjord = try run(["pay", "INV-1090", "--amount", "USD 6,900"])
        #expect(fjord.status == 0 && fjord.stdout.contains("Withdrew outbox/fjord-software/2026-11-30-statement.eml"), "\(fjord)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/outbox/fjord-software/2026-11-30-statement.eml"))
        #expect(FileManager.default.fileExists(atPath: dir + "/.git/duetrail/rejected/fjord-software_2026-11-30-statement.eml"))
        // Nothing is sent for them, today or later.
        let send = try run(["send"])
        #expect(send.status == 0 && !send.stdout.contains("acme-gmbh") && !send.stdout.contains("fjord-software"), "\(send)")
        #expect(try nextAction("INV-1093") == "(not in the queue)")
        let later = try run(["draft"], on: "2026-12-14")
        #expect(later.status == 0 && !later.stdout.contains("INV-1090"), "\(later)")
    }

    @Test func partialPaymentsAndOverpayment() throws {
        let part = try run(["pay", "INV-1042", "--amount", "1150", "--date", "2026-11-28"])
        #expect(part.status == 0 && part.stdout.contains("Balance now EUR 6,000.00"), "\(part)")
        #expect(try git(["log", "-1", "--format=%s"]) == "pay: INV-1042 EUR 1,150.00\n")
        let over = try run(["pay", "INV-1042", "--amount", "7000"])
        #expect(over.status == 1 && over.stderr.contains("EUR 7,000.00 is more than the balance EUR 6,000.00; if the customer really paid more, add --allow-overpayment"), "\(over)")
        let allowed = try run(["pay", "INV-1042", "--amount", "7000", "--allow-overpayment"])
        #expect(allowed.status == 0 && allowed.stdout.contains("Balance now EUR -1,000.00 — paid in full"), "\(allowed)")
        // Wrong currency, a future date, a paid case: refused, nothing written.
        let head = try git(["rev-parse", "HEAD"])
        #expect(try run(["pay", "INV-1087", "--amount", "100 USD"]).stderr.contains("INV-1087: --amount: `100 USD` is in USD, but the case is in EUR"))
        #expect(try run(["pay", "INV-1087", "--amount", "100", "--date", "2026-12-24"]).stderr.contains("is in the future"))
        #expect(try run(["pay", "INV-1042", "--amount", "1"]).stderr.contains("INV-1042 is paid; nothing to record"))
        #expect(try git(["rev-parse", "HEAD"]) == head)
        #expect(try run(["check"]).status == 0)
    }

    @Test func amountsAreReadByTheLedgersNumberFormatAndEchoedAsRecorded() throws {
        // A German-writing ledger: `12,50` is twelve euros fifty, `1.500,00` fifteen hundred.
        let yaml = try sandbox.read("ledger/duetrail.yaml").replacingOccurrences(of: "number_format: 1,234.56", with: "number_format: 1.234,56")
        try sandbox.write("ledger/duetrail.yaml", yaml)
        _ = try git(["commit", "-qam", "German number format"])
        let small = try run(["pay", "INV-1042", "--amount", "12,50"])
        #expect(small.status == 0 && small.stdout.contains("Recorded a payment of EUR 12.50 on INV-1042"), "\(small)")
        #expect(try caseFile("cases/acme-gmbh/inv-1042.md").contains("· payment · amount: 12.50 EUR · by Ana Ruiz"))
        let big = try run(["pay", "INV-1042", "--amount", "1.500,00"])
        #expect(big.status == 0 && big.stdout.contains("Recorded a payment of EUR 1,500.00 on INV-1042") && big.stdout.contains("Balance now EUR 5,637.50"), "\(big)")
        let promise = try run(["promise", "INV-1042", "--date", "2026-12-10", "--amount", "500,5"])
        #expect(promise.stdout.contains("Recorded a promise to pay EUR 500.50 by 2026-12-10 on INV-1042"), "\(promise)")
        // Two readings, a negative, a zero: refused with the reason, nothing written.
        let head = try git(["rev-parse", "HEAD"])
        let twoWays = try run(["pay", "INV-1042", "--amount", "1,500"])
        #expect(twoWays.status == 1 && twoWays.stderr.contains(
            "INV-1042: --amount: `1,500` reads two ways: EUR 1,500.00 (`,` separating thousands) or EUR 1.50 (`,` as the decimal mark); type 1500,00 or 1,50"), "\(twoWays)")
        #expect(try run(["pay", "INV-1042", "--amount=-20"]).stderr.contains("INV-1042: --amount: the amount must be more than zero, not `-20`"))
        #expect(try run(["promise", "INV-1042", "--date", "2026-12-10", "--amount", "0"]).stderr.contains("the amount must be more than zero, not `0`"))
        #expect(try run(["pay", "INV-1042", "--amount", "12,5055"]).stderr.contains("`12,5055` has more decimal places than EUR has (2)"))
        #expect(try git(["rev-parse", "HEAD"]) == head)
        #expect(try git(["status", "--porcelain"]).isEmpty)
    }

    @Test func aPromisePausesTheCadenceAndABrokenOneTopsTheQueueWithItsFollowUp() throws {
        // INV-1090 (Fjord Software, USD 6,900, nudge due today): promised 500 by Thursday 3 December.
        let p = try run(["promise", "INV-1090", "--date", "2026-12-03", "--amount", "500", "--via", "phone", "--note", "AP said Thursday"])
        #expect(p.status == 0, "\(p)")
        #expect(try caseFile("cases/fjord-software/inv-1090.md").contains("· promised · date: 2026-12-03 · amount: 500.00 USD · via: phone · AP said Thursday · by Ana Ruiz"))
        #expect(try git(["log", "-1", "--format=%s"]) == "promise: INV-1090 by 2026-12-03 (USD 500.00)\n")
        #expect(try nextAction("INV-1090") == "promised for 2026-12-03")
        let drafted = try run(["draft"])
        #expect(drafted.status == 0 && drafted.stdout.contains("outbox/fjord-software/") && !drafted.stdout.contains("INV-1090"), "\(drafted)")
        // Still within the grace (2 business days: until Monday 7 December).
        #expect(try nextAction("INV-1090", on: "2026-12-07") == "promised for 2026-12-03")
        // Tuesday 8 December: broken, and it tops the worklist; but the 8th is a holiday in this
        // ledger's calendar, so the follow-up waits for Wednesday.
        func firstRow(_ day: String) throws -> String {
            try run(["queue"], on: day).stdout.split(separator: "\n").dropFirst(2).first.map(String.init) ?? ""
        }
        #expect(try firstRow("2026-12-08").contains("INV-1090  Fjord Software AS"))
        #expect(try firstRow("2026-12-08").contains("PROMISE BROKEN: broken-promise follow-up on 2026-12-09 (next sending day)"))
        #expect(try firstRow("2026-12-09").contains("PROMISE BROKEN: draft today: broken-promise follow-up"))
        let d = try run(["draft", "--customer", "fjord-software"], on: "2026-12-09")
        #expect(d.status == 0, "\(d)")
        let followUp = try sandbox.read("ledger/outbox/fjord-software/2026-12-09-promise-broken.eml")
        #expect(followUp.contains("X-DueTrail-Step: promise-broken") && followUp.contains("3 December 2026"), "\(followUp)")
        // Once it is sent the promise is settled and the cadence goes on.
        #expect(try run(["approve", "fjord-software"], on: "2026-12-09").status == 0)
        #expect(try run(["send"], on: "2026-12-09").status == 0)
        #expect(try nextAction("INV-1090", on: "2026-12-09").contains("PROMISE BROKEN") == false)
        // The promise's outcome is on the case, before the follow-up's `sent` event.
        let timeline = try caseFile("cases/fjord-software/inv-1090.md")
        #expect(timeline.contains("· promise-broken · date: 2026-12-03 · promised: 500.00 USD · paid: 0.00 USD · outcome: broken · by Ana Ruiz"), "\(timeline)")
        // A promise can be neither in the past nor beyond the horizon.
        #expect(try run(["promise", "INV-1087", "--date", "2026-11-29"]).stderr.contains("is in the past"))
        #expect(try run(["promise", "INV-1087", "--date", "2027-06-01"]).stderr.contains("more than 90 days ahead"))
    }

    @Test func aPromisePartKeptIsRecordedAsSuchAndAFullPaymentKeepsAnother() throws {
        #expect(try run(["promise", "INV-1042", "--date", "2026-12-03", "--amount", "1000"]).status == 0)
        #expect(try run(["pay", "INV-1042", "--amount", "400"], on: "2026-12-02").status == 0)
        // A second promise on another case, kept in full by a payment: the pause simply ends.
        #expect(try run(["promise", "INV-1087", "--date", "2026-12-03"]).status == 0)
        #expect(try run(["pay", "INV-1087", "--amount", "3200"], on: "2026-12-02").status == 0)
        #expect(try nextAction("INV-1087", on: "2026-12-09") == "(not in the queue)")
        #expect(try nextAction("INV-1042", on: "2026-12-09").contains("PROMISE BROKEN"))  // only 400 of 1,000 arrived
        #expect(try run(["show", "INV-1042"], on: "2026-12-09").stdout.contains("  promise   pay EUR 1,000.00 by 2026-12-03 (made 2026-11-30)\n  next      PROMISE BROKEN"))
        // Rejecting the follow-up records how the promise ended: part-kept.
        let rejected = try run(["reject", "INV-1042", "--reason", "they will pay the rest on Friday"], on: "2026-12-09")
        #expect(rejected.status == 0, "\(rejected)")
        let timeline = try caseFile("cases/acme-gmbh/inv-1042.md")
        #expect(timeline.contains("· promise-broken · date: 2026-12-03 · promised: 1000.00 EUR · paid: 400.00 EUR · outcome: part-kept · by Ana Ruiz"), "\(timeline)")
        #expect(timeline.contains("· rejected · step: promise-broken · they will pay the rest on Friday"))
        #expect(try nextAction("INV-1042", on: "2026-12-09").contains("PROMISE BROKEN") == false)
    }

    @Test func disputeResolveEscalateContactAndSnooze() throws {
        #expect(try run(["dispute", "INV-1087", "--reason", "hours billed twice"]).status == 0)
        #expect(try nextAction("INV-1087", on: "2026-12-10") == "disputed 2026-11-30 (10 days)")
        #expect(try run(["dispute", "INV-1087", "--reason", "again"]).stderr.contains("already disputed since 2026-11-30"))
        let resolved = try run(["resolve", "INV-1087", "--credit", "200", "--note", "credit for the double hours"], on: "2026-12-02")
        #expect(resolved.status == 0, "\(resolved)")
        #expect(try caseFile("cases/blue-harbour-design/inv-1087.md").contains("· resolved · credit: 200.00 EUR · credit for the double hours · by Ana Ruiz"))
        let show = try run(["show", "INV-1087"], on: "2026-12-02")
        #expect(show.stdout.contains("EUR 3,000.00"), "\(show)")
        #expect(try run(["resolve", "INV-1087", "--note", "x"]).stderr.contains("is not disputed"))

        #expect(try run(["escalate", "INV-1012", "--to", "agency", "--note", "no answer in 138 days"]).status == 0)
        #expect(try nextAction("INV-1012") == "escalated to agency since 2026-11-30")
        #expect(try run(["escalate", "INV-1012", "--to", "court", "--note", "x"]).status != 0)
        #expect(try run(["deescalate", "INV-1012", "--note", "they called back"], on: "2026-12-01").status == 0)
        // Back in the cadence with no reminder sent yet: catch-up drafts its firm reminder, never the call.
        #expect(try nextAction("INV-1012", on: "2026-12-01") == "draft today: firm reminder")

        #expect(try run(["contact", "INV-1012", "--call", "--with", "Mia Chen", "--summary", "will pay half on Friday"]).status == 0)
        #expect(try caseFile("cases/evergreen-legal/inv-1012.md").contains("· contact · via: call · with: Mia Chen · will pay half on Friday · by Ana Ruiz"))

        #expect(try run(["snooze", "INV-1079", "--until", "2026-12-15", "--reason", "CFO away"]).status == 0)
        #expect(try nextAction("INV-1079", on: "2026-12-10") == "snoozed until 2026-12-15")
        #expect(try run(["snooze", "INV-1079", "--until", "2026-11-30", "--reason", "x"]).stderr.contains("is not after today"))

        // One commit per action, each by the person acting, with its trailers.
        #expect(try git(["log", "--format=%an|%s", "-7"]) == """
            Ana Ruiz|snooze: INV-1079 until 2026-12-15
            Ana Ruiz|contact: call about INV-1012
            Ana Ruiz|deescalate: INV-1012
            Ana Ruiz|escalate: INV-1012 to agency
            Ana Ruiz|resolve: INV-1087 (credit EUR 200.00)
            Ana Ruiz|dispute: INV-1087
            Ana Ruiz|import: 28 invoices from open-invoices.csv (25 new, 0 updated)

            """)
        #expect(try run(["check"]).status == 0)
        #expect(try sandbox.git(["fsck", "--strict"], in: dir).status == 0)
    }

    @Test func customerSettingsChangeAsOneCommitAndTakeEffect() throws {
        let r = try run(["customer", "fjord-software", "--policy", "auto", "--email", "invoices@fjord-software.example", "--email", "cfo@fjord-software.example"])
        #expect(r.status == 0, "\(r)")
        #expect(try git(["log", "-1", "--format=%an|%s"]) == "Ana Ruiz|customer: fjord-software: policy auto, contacts invoices@fjord-software.example, cfo@fjord-software.example\n")
        let file = try sandbox.read("ledger/customers/fjord-software.yaml")
        #expect(file.contains("policy: auto\n") && file.contains("  - email: cfo@fjord-software.example\n"))
        // Sensitive: drafted only on request.
        #expect(try run(["customer", "acme-gmbh", "--sensitive"]).status == 0)
        #expect(try nextAction("INV-1093") == "step due: friendly nudge (manual: draft --case)")
        // The auto policy approves its draft at once, and the Cc goes on it.
        let d = try run(["draft"])
        #expect(d.status == 0 && d.stdout.contains("Manual or sensitive customers with a step due (draft with --case INVOICE):\n  Acme GmbH: INV-1030, INV-1042, INV-1093"), "\(d)")
        #expect(try git(["ls-files", "outbox/fjord-software"]) == "outbox/fjord-software/2026-11-30-statement.eml\n")
        #expect(try sandbox.read("ledger/outbox/fjord-software/2026-11-30-statement.eml").contains("\nCc: cfo@fjord-software.example\n"))
        #expect(try run(["customer", "acme-gmbh", "--email", "not-an-address"]).stderr.contains("is not an email address"))
        #expect(try run(["customer", "acme-gmbh", "--cadence", "weekly"]).stderr.contains("no cadence `weekly` in cadence.yaml (it has: default, gentle)"))
        #expect(try run(["customer", "nobody", "--policy", "auto"]).stderr.contains("no customer `nobody`"))
        #expect(try run(["check"]).status == 0)
    }

    @Test func handTypedEventsCountLikeTheToolsOwnAndTyposAreCheckErrors() throws {
        let path = dir + "/cases/acme-gmbh/inv-1042.md"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try (text + "- 2026-11-30 · payment · amount: 150.00 EUR · cheque · by Ana Ruiz\n- 2026-11-30 · promised · date: 2026-12-04 · by Ana Ruiz\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
        try sandbox.git(["commit", "-qam", "typed by hand"], in: dir)
        #expect(try run(["show", "INV-1042"]).stdout.contains("EUR 7,000.00"))
        #expect(try nextAction("INV-1042") == "promised for 2026-12-04")
        try (text + "- 2026-11-30 · payment · 150 · by Ana Ruiz\n- 2026-11-30 · promised · date: next week · by Ana Ruiz\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
        try sandbox.git(["commit", "-qam", "typos"], in: dir)
        let check = try run(["check"])
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
        #expect(check.status == 1, "\(check)")
        #expect(check.stdout.contains("cases/acme-gmbh/inv-1042.md:\(lines): a `payment` event needs `amount:`"), "\(check.stdout)")
        #expect(check.stdout.contains("cases/acme-gmbh/inv-1042.md:\(lines + 1): `date: next week` is not a date (YYYY-MM-DD)"))
    }
}
