import Foundation
import Testing
import TestSupport

/// Small things a person trips on: a ledger folder that is not there, a customer slug one
/// letter off, a mistyped command, a report option that would do nothing, wrong plurals,
/// amounts without their currency, a hint naming a command that does not show what it says.
@Suite struct SmallThingsTests {
    @Test func aLedgerFolderThatDoesNotExistIsSaidSo() throws {
        let sandbox = try Sandbox()
        let missing = sandbox.path("no-such-folder")
        let r = try sandbox.duetrail(["queue", "--ledger", missing])
        #expect(r.status == 1 && r.stderr.contains("the ledger folder \(missing) does not exist"), "\(r)")
        #expect(!r.stderr.contains("not a DueTrail ledger"), "\(r)")
        let env = try sandbox.duetrail(["queue"], extraEnvironment: ["DUETRAIL_LEDGER": missing])
        #expect(env.status == 1 && env.stderr.contains("does not exist"), "\(env)")
    }

    @Test func anUnknownCustomerIsAnErrorThatSuggestsTheNearestSlug() throws {
        let sandbox = try Sandbox()
        let ledger = try sandbox.exampleLedger()
        try sandbox.write("ledger/customers/st-columba-s-hospice.yaml", "name: \"St Columba's Hospice\"\ncontacts:\n  - email: accounts@stcolumbas.example\npolicy: review\nsensitive: false\n")
        #expect(try sandbox.git(["add", "customers"], in: ledger).status == 0)
        #expect(try sandbox.git(["commit", "-qm", "a new customer"], in: ledger).status == 0)
        let hint = "no customer `st-columbas-hospice`; did you mean `st-columba-s-hospice` (St Columba's Hospice)?"
        for args in [["queue", "--customer", "st-columbas-hospice"], ["customer", "st-columbas-hospice"], ["customer", "st-columbas-hospice", "--policy", "auto"],
            ["portal", "link", "st-columbas-hospice"], ["hold", "st-columbas-hospice", "--reason", "talks"]]
        {
            let r = try sandbox.duetrail(args, in: ledger, extraEnvironment: ["DUETRAIL_PORTAL_KEY": String(repeating: "k", count: 64)])
            #expect(r.status == 1 && r.stderr.contains(hint) && r.stdout.isEmpty, "\(args): \(r)")
        }
        let far = try sandbox.duetrail(["queue", "--customer", "zzz-unrelated"], in: ledger)
        #expect(far.status == 1 && far.stderr.contains("no customer `zzz-unrelated`") && !far.stdout.contains("No open cases"), "\(far)")
        // A known customer by slug or by name still lists (or says it has nothing open).
        #expect(try sandbox.duetrail(["queue", "--customer", "Acme GmbH"], in: ledger).stdout.contains("INV-1042"))
        let none = try sandbox.duetrail(["queue", "--customer", "st-columba-s-hospice"], in: ledger)
        #expect(none.status == 0 && none.stdout.contains("No open cases"), "\(none)")
        #expect(try sandbox.git(["status", "--porcelain"], in: ledger).stdout.isEmpty)
    }

    @Test func aMistypedCommandSuggestsTheNearestOne() throws {
        let sandbox = try Sandbox()
        let ledger = try sandbox.exampleLedger()
        for (args, hint) in [(["qeue"], "Unknown command 'qeue'. Did you mean 'queue'?"), (["portal", "lnk", "acme-gmbh"], "Unknown command 'lnk'. Did you mean 'link'?"),
            (["report", "agin"], "Unknown command 'agin'. Did you mean 'aging'?"), (["aprove", "--all"], "Did you mean 'approve'?")]
        {
            let r = try sandbox.duetrail(args, in: ledger)
            #expect(r.status == 64 && r.stderr.contains(hint), "\(args): \(r)")
        }
        let nothingNear = try sandbox.duetrail(["portal", "xyzzy"], in: ledger)
        #expect(nothingNear.status == 64 && nothingNear.stderr.contains("the commands are: serve, key, link"), "\(nothingNear)")
        // Real commands, options and help are the parser's as before.
        #expect(try sandbox.duetrail(["queue", "--customer", "acme-gmbh"], in: ledger).status == 0)
        #expect(try sandbox.duetrail(["help", "queue"], in: ledger).stdout.contains("OVERVIEW"))
        #expect(try sandbox.duetrail(["queue", "--custmer", "x"], in: ledger).stderr.contains("Did you mean '--customer'?"))
    }

    @Test func customerAloneShowsTheSettingsAndContactAddsKeepingNames() throws {
        let sandbox = try Sandbox()
        let ledger = try sandbox.exampleLedger()
        let before = try sandbox.git(["rev-parse", "HEAD"], in: ledger).stdout
        let shown = try sandbox.duetrail(["customer", "acme-gmbh"], in: ledger)
        #expect(shown.status == 0, "\(shown)")
        #expect(shown.stdout == """
            Acme GmbH (customers/acme-gmbh.yaml)
              policy     review
              sensitive  no
              cadence    default
              contacts   Jonas Bauer <ap@acme-gmbh.example> (To)
              owner      none

            """, "\(shown)")
        #expect(try sandbox.git(["rev-parse", "HEAD"], in: ledger).stdout == before, "showing commits nothing")

        let added = try sandbox.duetrail(["customer", "acme-gmbh", "--contact", "Eva Roth <eva@acme-gmbh.example>"], in: ledger)
        #expect(added.status == 0 && added.stdout.contains("contacts Jonas Bauer <ap@acme-gmbh.example>, Eva Roth <eva@acme-gmbh.example>"), "\(added)")
        let file = try sandbox.read("ledger/customers/acme-gmbh.yaml")
        #expect(file.contains("  - name: Jonas Bauer\n    email: ap@acme-gmbh.example\n  - name: Eva Roth\n    email: eva@acme-gmbh.example\n"), "\(file)")
        let bad = try sandbox.duetrail(["customer", "acme-gmbh", "--contact", "Eva <not an address>"], in: ledger)
        #expect(bad.status == 1 && bad.stderr.contains("is not a contact"), "\(bad)")
        let after = try sandbox.duetrail(["customer", "acme-gmbh"], in: ledger)
        #expect(after.stdout.contains("  contacts   Jonas Bauer <ap@acme-gmbh.example> (To)\n             Eva Roth <eva@acme-gmbh.example> (Cc)\n"), "\(after)")
    }

    @Test func reportAgingRefusesHTMLInsteadOfWritingNothing() throws {
        let sandbox = try Sandbox()
        let ledger = try sandbox.exampleLedger()
        let file = sandbox.path("aging.html")
        let r = try sandbox.duetrail(["report", "aging", "--html", file], in: ledger)
        #expect(r.status != 0 && r.stderr.contains("--html writes every report into one file: `duetrail report --html \(file)`"), "\(r)")
        #expect(!FileManager.default.fileExists(atPath: file))
        let all = try sandbox.duetrail(["report", "--html", file], in: ledger)
        #expect(all.status == 0 && FileManager.default.fileExists(atPath: file), "\(all)")
    }

    @Test func oneDayIsSingularAndPromisesShowTheirCurrency() throws {
        let sandbox = try Sandbox()
        let ledger = try sandbox.exampleLedger()
        // INV-1093 is due 2026-11-26.
        let show = try sandbox.duetrail(["show", "INV-1093", "--today", "2026-11-27"], in: ledger)
        #expect(show.stdout.contains("due       2026-11-26 (1 day overdue)"), "\(show)")
        #expect(try sandbox.duetrail(["dispute", "INV-1090", "--reason", "wrong rate"], in: ledger).status == 0)
        let queue = try sandbox.duetrail(["queue", "--today", "2026-12-01", "--customer", "fjord-software"], in: ledger)
        #expect(queue.stdout.contains("disputed 2026-11-30 (1 day)"), "\(queue)")
        let review = try sandbox.duetrail(["draft"], in: ledger)
        #expect(review.status == 0)
        #expect(try sandbox.duetrail(["review", "--today", "2026-11-27", "acme-gmbh"], in: ledger).stdout.contains("due 2026-11-26, 1 day overdue"))

        // A USD case and a EUR case promised together: each amount with its currency.
        let promised = try sandbox.duetrail(["promise", "INV-1090", "INV-1042", "--date", "2026-12-12", "--amount", "100"], in: ledger)
        #expect(promised.status == 0 && promised.stdout.contains("a promise to pay USD 100.00 by 2026-12-12 on INV-1090") && promised.stdout.contains("a promise to pay EUR 100.00 by 2026-12-12 on INV-1042"), "\(promised)")
        #expect(try sandbox.git(["log", "-1", "--format=%s"], in: ledger).stdout == "promise: INV-1090, INV-1042 by 2026-12-12 (INV-1090 USD 100.00, INV-1042 EUR 100.00)\n")
        let whole = try sandbox.duetrail(["promise", "INV-1093", "--date", "2026-12-12"], in: ledger)
        #expect(whole.stdout.contains("Recorded a promise to pay the whole balance by 2026-12-12 on INV-1093"), "\(whole)")
    }

    @Test func reviewNamesTheGitCommandThatShowsNewDraftsAndNoPathHasADoubleSlash() throws {
        let sandbox = try Sandbox()
        let dir = sandbox.path("fresh")
        let created = try sandbox.duetrail(["init", dir])
        #expect(created.stdout.contains("Created a DueTrail ledger in \(dir)\n") && !created.stdout.contains("//"), "\(created)")
        let ledger = try sandbox.exampleLedger()
        let drafted = try sandbox.duetrail(["draft"], in: ledger)
        #expect(drafted.stdout.contains("`git add -N outbox && git diff`"), "\(drafted)")
        let review = try sandbox.duetrail(["review"], in: ledger)
        #expect(review.stdout.contains("New drafts are untracked files, which plain `git diff` leaves out; `git add -N outbox && git diff` shows them"), "\(review)")
        // Plain git diff shows none of them; the named command shows them all, and approving still works after it.
        #expect(try sandbox.git(["diff", "--name-only"], in: ledger).stdout.isEmpty)
        #expect(try sandbox.git(["add", "-N", "outbox"], in: ledger).status == 0)
        #expect(try sandbox.git(["diff", "--name-only"], in: ledger).stdout.contains("outbox/acme-gmbh/2026-11-30-statement.eml"))
        let approved = try sandbox.duetrail(["approve", "acme-gmbh"], in: ledger)
        #expect(approved.status == 0 && approved.stdout.contains("Approved 1 draft"), "\(approved)")
        // Paths printed by what keeps copies aside, and a Maildir given relative to the ledger.
        let config = try sandbox.read("ledger/duetrail.yaml")
        #expect(config.contains("  kind: maildir "))
        try sandbox.write("ledger/duetrail.yaml", config.replacingOccurrences(of: "  kind: maildir ", with: "  path: ../outgoing-mail\n  kind: maildir "))
        #expect(try sandbox.git(["commit", "-qam", "mail to a folder beside the ledger"], in: ledger).status == 0)
        for args in [["reject", "INV-1061", "--reason", "wrong contact"], ["hold", "fjord-software", "--reason", "talks"], ["send"]] {
            let r = try sandbox.duetrail(args, in: ledger)
            #expect(r.status == 0, "\(args): \(r)")
            if args == ["send"] { #expect(r.stdout.contains("via maildir \(ledger)/../outgoing-mail"), "\(r)") }
            #expect(!(r.stdout + r.stderr).replacingOccurrences(of: "://", with: "").contains("//"), "\(args): \(r)")
        }
    }
}
