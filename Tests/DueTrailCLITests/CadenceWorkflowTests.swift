import Foundation
import Testing
import TestSupport

/// Draft, review, approve and reject, run as a person would on the example ledger
/// (2026-11-30), and checked with the real `git`.
@Suite struct CadenceWorkflowTests {
    let sandbox: Sandbox
    let dir: String
    init() throws {
        sandbox = try Sandbox()
        dir = try sandbox.exampleLedger()
    }

    func run(_ args: [String], extra: [String: String] = [:]) throws -> ProcessResult {
        try sandbox.duetrail(args, in: dir, extraEnvironment: extra)
    }

    func git(_ args: [String]) throws -> String { try sandbox.git(args, in: dir).stdout }

    @Test func draftWritesReviewDraftsCommitsPolicyDraftsAndIsIdempotent() throws {
        let r = try run(["draft"])
        #expect(r.status == 0, "\(r)")
        #expect(try git(["status", "--porcelain"]) == """
            ?? outbox/acme-gmbh/
            ?? outbox/blue-harbour-design/
            ?? outbox/delta-foods/
            ?? outbox/evergreen-legal/
            ?? outbox/fjord-software/

            """)
        // Policy customers' drafts are committed at once, with the policy named.
        let log = try git(["log", "-1", "--format=%an|%s%n%(trailers:only,unfold)"])
        #expect(log.hasPrefix("Ana Ruiz|draft: 2 reminders approved by policy\nDueTrail-Action: draft\nDueTrail-Approved-By: policy\n"))
        #expect(log.contains("DueTrail-Policy: customers/corvid-analytics.yaml ") && log.contains("DueTrail-Case: INV-1079"))
        #expect(try git(["ls-files", "outbox"]) == "outbox/corvid-analytics/2026-11-30-statement.eml\noutbox/union-square-media/2026-11-30-final.eml\n")
        // The sensitive customer's courtesy note no longer applies (INV-1095 is overdue) and its nudge is due tomorrow.
        #expect(!FileManager.default.fileExists(atPath: dir + "/outbox/st-brigids-hospice"))
        // A complete message: Acme's old invoices caught up (final notice) with the new one (nudge).
        let nudge = try sandbox.read("ledger/outbox/acme-gmbh/2026-11-30-statement.eml")
        #expect(nudge.hasPrefix("From: Accounts at Northwind Studio <accounts@northwind-studio.example>\nTo: Jonas Bauer <ap@acme-gmbh.example>\n"))
        #expect(nudge.contains("\nSubject: Invoices from Northwind Studio Ltd awaiting payment: EUR 9,410.00\nMessage-ID: <20261130.statement.acme-gmbh."))
        #expect(nudge.contains("X-DueTrail-Case-Steps: INV-1030=final, INV-1042=final, INV-1093=nudge\n"))
        #expect(nudge.contains("\n\nHello Jonas Bauer,\n") && nudge.contains("Invoice INV-1093, issued 27 October 2026, due 26 November 2026 (4 days overdue): EUR 920.00"))
        // Again: nothing changes.
        let head = try git(["rev-parse", "HEAD"])
        let again = try run(["draft"])
        #expect(again.stdout.contains("Nothing new to draft today (2026-11-30)."))
        #expect(try git(["rev-parse", "HEAD"]) == head)
        #expect(try sandbox.read("ledger/outbox/acme-gmbh/2026-11-30-statement.eml") == nudge)
        #expect(try run(["check"]).status == 0)
    }

    @Test func reviewShowsWhatGitDiffShowsWithTheCase() throws {
        _ = try run(["draft"])
        let review = try run(["review", "acme-gmbh"])
        #expect(review.status == 0, "\(review)")
        #expect(review.stdout.contains("== outbox/acme-gmbh/2026-11-30-statement.eml: Acme GmbH, step statement\n"))
        #expect(review.stdout.contains("   INV-1093 · balance EUR 920.00 · due 2026-11-26, 4 days overdue · no reminder sent yet · last activity 2026-11-30 · open · step nudge\n"))
        #expect(review.stdout.contains("   INV-1030 · balance EUR 1,340.00 · due 2026-08-27, 95 days overdue · no reminder sent yet · last activity 2026-11-30 · open · step final\n"))
        #expect(!review.stdout.contains("\u{1B}["))  // not a terminal: no colour
        // Plain git shows the same added lines.
        try sandbox.git(["add", "-N", "outbox"], in: dir)
        let gitDiff = try git(["diff", "--", "outbox/acme-gmbh"])
        let added = { (text: String) in text.split(separator: "\n").filter { $0.hasPrefix("+") && !$0.hasPrefix("+++") } }
        #expect(!added(gitDiff).isEmpty && added(review.stdout) == added(gitDiff))
        try sandbox.git(["reset", "-q"], in: dir)
        let stat = try run(["review", "--stat"])
        #expect(stat.stdout.contains("outbox/acme-gmbh/2026-11-30-statement.eml           | +30 -0 | new | Acme GmbH: INV-1030, INV-1042, INV-1093\n"))
        #expect(stat.stdout.hasSuffix("5 drafts awaiting review\n"))
        #expect(try run(["review", "--color", "always", "acme-gmbh"]).stdout.contains("\u{1B}[32m+Subject:"))
    }

    @Test func approveCommitsExactlyTheReviewedBytesAsTheApprover() throws {
        _ = try run(["draft"])
        let path = "outbox/acme-gmbh/2026-11-30-statement.eml"
        var text = try sandbox.read("ledger/" + path)
        text = text.replacingOccurrences(of: "Kind regards,\n", with: "Kind regards, and say hello to the team in Hamburg,\n")
        try sandbox.write("ledger/" + path, text)
        let approved = try run(["approve", "INV-1093"], extra: ["GIT_AUTHOR_NAME": "Bea Chen", "GIT_AUTHOR_EMAIL": "bea@northwind-studio.example"])
        #expect(approved.status == 0, "\(approved)")
        #expect(try git(["log", "-1", "--format=%an|%s%n%(trailers:only,unfold)"]) == """
            Bea Chen|approve: statement to Acme GmbH (INV-1030, INV-1042, INV-1093)
            DueTrail-Action: approve
            DueTrail-Draft: \(path)
            DueTrail-Case: INV-1030
            DueTrail-Case: INV-1042
            DueTrail-Case: INV-1093


            """)
        #expect(try git(["show", "--format=", "--name-only", "HEAD"]) == path + "\n")
        #expect(try git(["show", "HEAD:" + path]) == text)  // the edit is what was approved
        #expect(try git(["status", "--porcelain", "--", path]) == "")
        #expect(try run(["queue", "--all"]).stdout.contains("INV-1093  Acme GmbH              2026-11-26     4  1-30        EUR 920.00  approved, not sent (statement)"))
        // Nothing left for Acme; an unknown name says what there is.
        let none = try run(["approve", "acme-gmbh"])
        #expect(none.status == 1 && none.stderr.contains("no draft for `acme-gmbh` (they are: outbox/blue-harbour-design/2026-11-30-statement.eml (INV-1021, INV-1066, INV-1087)"))
        // Plain `git commit` is an approval too.
        try sandbox.git(["add", "outbox/delta-foods"], in: dir)
        try sandbox.git(["commit", "-qm", "approve delta"], in: dir)
        #expect(try run(["queue", "--all"]).stdout.contains("INV-1104  Delta Foods Ltd        2026-11-30     0  current   EUR 2,150.00  approved, not sent (statement)"))
        #expect(try run(["approve", "--all"]).status == 0)
        #expect(try git(["status", "--porcelain"]) == "")
        #expect(try sandbox.git(["fsck", "--strict"], in: dir).status == 0)
    }

    @Test func rejectRemovesTheDraftRecordsWhyAndIsNotRedrafted() throws {
        _ = try run(["draft"])
        let r = try run(["reject", "fjord-software", "--reason", "They called: paying on Friday"])
        #expect(r.status == 0, "\(r)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/outbox/fjord-software/2026-11-30-statement.eml"))
        #expect(FileManager.default.fileExists(atPath: dir + "/.git/duetrail/rejected/fjord-software_2026-11-30-statement.eml"))
        #expect(r.stdout.contains("removed outbox/fjord-software/2026-11-30-statement.eml (a copy is in .git/duetrail/rejected/)"))
        #expect(try git(["log", "-1", "--format=%s"]) == "reject: reminder to Fjord Software AS (INV-1025, INV-1070, INV-1090)\n")
        #expect(try sandbox.read("ledger/cases/fjord-software/inv-1090.md").contains("· rejected · step: nudge · They called: paying on Friday · by Ana Ruiz · #"))
        let again = try run(["draft"])
        #expect(!again.stdout.contains("fjord-software"))
        #expect(try run(["queue", "--all"]).stdout.contains("INV-1090  Fjord Software AS      2026-11-21     9  1-30      USD 6,900.00  next: firm reminder on 2026-12-01"))
        // A committed (policy-approved) draft can be rejected too; with a snooze the case waits.
        let snoozed = try run(["reject", "INV-1079", "--reason", "Agreed a payment plan", "--snooze", "14d"])
        #expect(snoozed.status == 0, "\(snoozed)")
        #expect(try git(["show", "--format=%s", "--name-status", "HEAD"]).contains("D\toutbox/union-square-media/2026-11-30-final.eml"))
        #expect(try run(["queue", "--all"]).stdout.contains("snoozed until 2026-12-14"))
        #expect(try run(["reject", "INV-1095", "--reason", "x"]).stderr.contains("nothing to reject for `INV-1095`"))
        #expect(try git(["status", "--porcelain"]).contains("outbox/acme-gmbh/"))
    }

    @Test func aSensitiveCustomerIsDraftedOnRequestAndNeedsAPersonalNote() throws {
        let tomorrow = ["DUETRAIL_TODAY": "2026-12-01", "DUETRAIL_NOW": "2026-12-01T09:00:00Z"]
        // Listed, not drafted, by a plain `draft`.
        let plain = try run(["draft"], extra: tomorrow)
        #expect(plain.stdout.contains("Manual or sensitive customers with a step due (draft with --case INVOICE):\n  St. Brigid's Hospice: INV-1049, INV-1095\n"), "\(plain)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/outbox/st-brigids-hospice"))
        try sandbox.git(["clean", "-fdq", "outbox"], in: dir)  // the other customers' review drafts
        let r = try run(["draft", "--case", "INV-1095"], extra: tomorrow)
        #expect(r.status == 0, "\(r)")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir + "/outbox/st-brigids-hospice")
        #expect(files == ["2026-12-01-nudge.eml"])
        let path = "ledger/outbox/st-brigids-hospice/" + files[0]
        let refused = try run(["approve", "INV-1095"], extra: tomorrow)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("outbox/st-brigids-hospice/\(files[0]):"))
        #expect(refused.stderr.contains("this sensitive customer's draft still asks for a personal note"))
        let text = try sandbox.read(path)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let markerLine = try #require(lines.firstIndex { $0.hasPrefix("[PERSONAL NOTE:") })
        #expect(refused.stderr.contains(".eml:\(markerLine + 1): "))
        try sandbox.write(path, text.replacingOccurrences(of: lines[markerLine], with: "Aoife, I hope the fundraiser went well."))
        #expect(try run(["approve", "INV-1095"], extra: tomorrow).status == 0)
        #expect(try git(["show", "HEAD:outbox/st-brigids-hospice/2026-12-01-nudge.eml"]).contains("Aoife, I hope the fundraiser went well."))
        // Only the sensitive draft was written: the others need a plain `draft`.
        #expect(try git(["status", "--porcelain"]) == "")
    }

    @Test func aPaidCaseIsNotRedraftedAndABadAddressIsRefusedWithItsLine() throws {
        // The export now says INV-1093 is paid.
        let csv = try String(contentsOfFile: Binary.exampleLedger + "/exports/open-invoices.csv", encoding: .utf8)
        let paid = csv.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            var fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard fields.contains("INV-1093") else { return String(line) }
            if let i = fields.firstIndex(where: { $0.hasPrefix("AUTHORISED") }) { fields[i] = "PAID" }
            fields[12] = "0.00"  // InvoiceAmountDue
            return fields.joined(separator: ",")
        }.joined(separator: "\n")
        try sandbox.write("paid.csv", paid)
        let imported = try sandbox.duetrail(["import", "invoices", sandbox.path("paid.csv")], in: dir)
        #expect(imported.status == 0, "\(imported)")
        // Fjord's contact is broken by hand.
        var fjord = try sandbox.read("ledger/customers/fjord-software.yaml")
        fjord = fjord.replacingOccurrences(of: "invoices@fjord-software.example", with: "invoices at fjord-software.example")
        try sandbox.write("ledger/customers/fjord-software.yaml", fjord)
        try sandbox.git(["commit", "-qam", "typo"], in: dir)
        let r = try run(["draft"])
        #expect(r.status == 2, "\(r)")
        #expect(!r.stdout.contains("INV-1093"))
        #expect(r.stdout.contains("Not drafted:\n  fjord-software: customers/fjord-software.yaml:4: `invoices at fjord-software.example` is not an email address"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/outbox/fjord-software"))
    }

    @Test func cadenceCheckAndSimulate() throws {
        #expect(try run(["cadence", "check"]).stdout == "ok: 2 cadences, 9 steps, templates checked, no problems\n")
        var cadence = try sandbox.read("ledger/cadence.yaml")
        cadence = cadence.replacingOccurrences(of: "email: firm", with: "email: firmer")
        try sandbox.write("ledger/cadence.yaml", cadence)
        let bad = try run(["cadence", "check"])
        #expect(bad.status == 1)
        let line = cadence.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("email: firmer") }! + 1
        #expect(bad.stdout.hasPrefix("cadence.yaml:\(line): template `firmer` does not exist (no templates/firmer.mustache)"))
        #expect(try run(["check"]).status == 1)
        try sandbox.git(["checkout", "cadence.yaml"], in: dir)

        let sim = try run(["simulate", "--to", "2026-12-31"])
        #expect(sim.status == 0, "\(sim)")
        #expect(sim.stdout.hasPrefix("Simulating 2026-11-30 to 2026-12-31 (no payments or replies assumed; nothing is written)\n"), "\(sim.stdout)")
        // Nothing is sent on the quiet 24th, the holidays or weekends.
        for day in ["2026-12-24", "2026-12-25", "2026-12-26", "2026-12-05", "2026-12-08"] { #expect(!sim.stdout.contains("\n\(day) ")) }
        #expect(sim.stdout.contains("  send    final → Union Square Media (INV-1045, INV-1079), approved by policy\n"), "\(sim.stdout)")
        #expect(try git(["status", "--porcelain"]) == "")
        let json = try run(["simulate", "--to", "2026-12-31", "--json"])
        let events = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(events.contains { $0["day"] as? String == "2026-11-30" && $0["customer"] as? String == "acme-gmbh" && $0["kind"] as? String == "review" && $0["step"] as? String == "statement" })
        let words = try run(["cadence"])
        #expect(words.stdout.contains("  3 days after the due date: friendly nudge, template nudge, reviewed before sending\n"))
    }

    @Test func aDraftAPersonBrokeIsNeverOverwrittenAndCommasInNamesApprove() throws {
        _ = try run(["draft"])
        let path = "ledger/outbox/acme-gmbh/2026-11-30-statement.eml"
        let broken = try sandbox.read(path).replacingOccurrences(of: "Subject: ", with: "Subject ")
        try sandbox.write(path, broken)
        let again = try run(["draft"])
        #expect(again.stderr.contains("warning: outbox/acme-gmbh/2026-11-30-statement.eml:4: not a header line"), "\(again)")
        #expect(again.stdout.contains("outbox/acme-gmbh/2026-11-30-statement.eml already exists"))
        #expect(try sandbox.read(path) == broken)
        // A contact whose name has a comma: quoted in the draft, and approved.
        var fjord = try sandbox.read("ledger/customers/fjord-software.yaml")
        fjord = fjord.replacingOccurrences(of: "name: Ingrid Solberg", with: "name: \"Solberg, Ingrid\"")
        try sandbox.write("ledger/customers/fjord-software.yaml", fjord)
        try sandbox.git(["commit", "-qam", "contact name"], in: dir)
        try FileManager.default.removeItem(atPath: dir + "/outbox/fjord-software/2026-11-30-statement.eml")
        #expect(try run(["draft", "--customer", "fjord-software"]).status == 0)
        #expect(try sandbox.read("ledger/outbox/fjord-software/2026-11-30-statement.eml").contains("To: \"Solberg, Ingrid\" <invoices@fjord-software.example>\n"))
        let approved = try run(["approve", "fjord-software"])
        #expect(approved.status == 0, "\(approved)")
        #expect(try run(["draft", "--case", "INV-9999"]).stderr.contains("no case or customer `INV-9999`"))
    }

    @Test func aCasePaidSinceItsDraftIsNotApproved() throws {
        _ = try run(["draft"])
        try sandbox.write("ledger/cases/acme-gmbh/inv-1093.md",
            try sandbox.read("ledger/cases/acme-gmbh/inv-1093.md") + "- 2026-11-30 · balance · balance: 0.00 EUR · paid by transfer · by Ana Ruiz\n")
        try sandbox.git(["commit", "-qam", "paid"], in: dir)
        let r = try run(["approve", "INV-1093"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("outbox/acme-gmbh/2026-11-30-statement.eml: INV-1093 is paid since this draft was written; not approved"), "\(r)")
        #expect(try git(["ls-files", "outbox/acme-gmbh"]) == "")
    }

    @Test func rejectingOneInvoiceOfAGroupedMessageKeepsTheOthersInTheCadence() throws {
        let s = try Sandbox()
        let ledger = s.path("books")
        #expect(try s.duetrail(["init", ledger, "--company", "Northwind"]).status == 0)
        try s.write("open.csv", "Invoice,Customer,Email,Due,Balance\nA-1,Acme GmbH,ap@acme.example,2026-11-25,100.00\nA-2,Acme GmbH,ap@acme.example,2026-11-25,50.00\n")
        #expect(try s.duetrail(["import", "invoices", s.path("open.csv")], in: ledger).status == 0)
        let drafted = try s.duetrail(["draft"], in: ledger)
        #expect(drafted.stdout.contains("outbox/acme-gmbh/2026-11-30-nudge.eml  Acme GmbH (A-1, A-2)"), "\(drafted)")
        #expect(try s.duetrail(["reject", "A-1", "--reason", "credit note coming"], in: ledger).status == 0)
        #expect(try s.read("books/cases/acme-gmbh/a-1.md").contains("· rejected · step: nudge · credit note coming"))
        #expect(!(try s.read("books/cases/acme-gmbh/a-2.md")).contains("rejected"))
        // A-2 is drafted again, alone.
        let again = try s.duetrail(["draft"], in: ledger)
        #expect(again.stdout.contains("outbox/acme-gmbh/2026-11-30-nudge.eml  Acme GmbH (A-2)"), "\(again)")
    }
}
