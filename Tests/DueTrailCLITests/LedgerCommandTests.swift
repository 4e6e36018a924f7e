import Foundation
import Testing
import TestSupport

/// The `duetrail` binary, driven as a person would, checked with the real `git`.
@Suite struct LedgerCommandTests {
    let sandbox: Sandbox
    init() throws { sandbox = try Sandbox() }

    @Test func initMakesAReadableLedgerWithOneCommit() throws {
        let r = try sandbox.duetrail(["init", "books", "--company", "Northwind Studio Ltd", "--currency", "EUR", "--timezone", "Europe/Dublin"])
        #expect(r.status == 0, "\(r)")
        let dir = sandbox.path("books")
        #expect(try sandbox.git(["log", "--format=%an <%ae>|%s"], in: dir).stdout == "Ana Ruiz <ana@northwind-studio.example>|init: new DueTrail ledger for Northwind Studio Ltd\n")
        #expect(try sandbox.git(["status", "--porcelain"], in: dir).stdout == "")
        #expect(try sandbox.git(["fsck", "--strict"], in: dir).status == 0)
        let files = try sandbox.git(["ls-files"], in: dir).stdout
        for f in ["duetrail.yaml", "cadence.yaml", "cases/.gitkeep", "customers/.gitkeep", "templates/nudge.mustache"] {
            #expect(files.contains(f + "\n"), "missing \(f)")
        }
        #expect(try sandbox.read("books/duetrail.yaml").contains("company: Northwind Studio Ltd\n"))
        // Settings that keep a ledger readable by libgit2 1.5 whatever git a teammate runs.
        #expect(try sandbox.git(["config", "--local", "index.skipHash"], in: dir).stdout == "false\n")
        #expect(try sandbox.git(["config", "--local", "core.splitIndex"], in: dir).stdout == "false\n")
        #expect(try sandbox.duetrail(["check"], in: dir).stdout == "ok: 0 cases, 0 customers, 0 events, 0 drafts checked, no problems\n")
    }

    @Test func initRefusesANonEmptyFolderAndNeedsAnIdentity() throws {
        try sandbox.write("full/file.txt", "x")
        let full = try sandbox.duetrail(["init", "full"])
        #expect(full.status == 1)
        #expect(full.stderr.contains("already exists and is not empty"))

        let anonymous = try Sandbox(identity: false)
        let r = try anonymous.duetrail(["init", "books"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("user.name and user.email not set"), "\(r)")
        #expect(!FileManager.default.fileExists(atPath: anonymous.path("books")))  // nothing half-made
        try FileManager.default.createDirectory(atPath: anonymous.path("empty"), withIntermediateDirectories: true)
        #expect(try anonymous.duetrail(["init"], in: anonymous.path("empty")).status == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: anonymous.path("empty")).isEmpty)  // no stray .git
    }

    @Test func importingTheExampleExportBuildsTheWorklist() throws {
        let dir = try sandbox.exampleLedger(importing: false)
        let r = try sandbox.duetrail(["import", "invoices", Binary.exampleLedger + "/exports/open-invoices.csv"], in: dir)
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("Read a Xero export: 28 invoices (comma-separated, decimal mark `.`, dates DD/MM/YYYY)"))
        #expect(r.stdout.contains("25 new, 0 updated, 0 unchanged, 2 paid/void not opened, 1 draft (never sent) not opened"))
        let log = try sandbox.git(["log", "-1", "--format=%s%n%(trailers:key=DueTrail-Action,valueonly)"], in: dir).stdout
        #expect(log.hasPrefix("import: 28 invoices from open-invoices.csv (25 new, 0 updated)\nimport-invoices"))
        #expect(try sandbox.git(["status", "--porcelain"], in: dir).stdout == "")
        #expect(try sandbox.git(["ls-files", "cases"], in: dir).stdout.split(separator: "\n").filter { $0.hasSuffix(".md") }.count == 25)

        // Totals worked out by hand from the export's AUTHORISED rows (amount due):
        // EUR 4800 + 2150 + 3200 + 1450 + 920 + 1200 + 5400 + 780 + 2000 + 7150 + 1875.50 + 650
        //     + 3900 + 3600 + 2480 + 1340 = 42,895.50 in 16 cases; USD 40,970.00 in 9 cases.
        let q = try sandbox.duetrail(["queue"], in: dir)
        #expect(q.stdout.contains("Total EUR 42,895.50 in 16 open cases\nTotal USD 40,970.00 in 9 open cases\n"), "\(q)")
        let lines = q.stdout.split(separator: "\n")
        #expect(lines[2].contains("INV-1008") && lines[2].contains("Delta Foods Ltd") && lines[2].contains("155") && lines[2].contains("90+"))

        let json = try JSONSerialization.jsonObject(with: Data(try sandbox.duetrail(["queue", "--json"], in: dir).stdout.utf8)) as? [String: Any]
        let cases = json?["cases"] as? [[String: Any]] ?? []
        #expect(cases.count == 25)
        #expect(cases.first?["invoice"] as? String == "INV-1008")
        #expect(cases.first?["balance"] as? String == "2480.00")
        let fjord = cases.first { $0["invoice"] as? String == "INV-1090" }
        #expect(fjord?["balance"] as? String == "6900.00")  // 8,900 total less 2,000 paid
        #expect(fjord?["bucket"] as? String == "1-30")

        let bucket = try sandbox.duetrail(["queue", "--bucket", "61-90", "--csv"], in: dir).stdout.split(separator: "\n")
        #expect(bucket.count == 5)  // header + INV-1042, 1045, 1047, 1049
        #expect(bucket[0] == "rank,invoice,customer,customer_name,due,days_overdue,bucket,balance,currency,next_action,path")
        #expect(bucket[1].hasPrefix("1,INV-1042,acme-gmbh,Acme GmbH,2026-09-09,82,61-90,7150.00,EUR,"))
    }

    @Test func reImportMakesNoCommitAndChangesUpdateCases() throws {
        let dir = try sandbox.exampleLedger()
        let head = try sandbox.git(["rev-parse", "HEAD"], in: dir).stdout
        let again = try sandbox.duetrail(["import", "invoices", Binary.exampleLedger + "/exports/open-invoices.csv"], in: dir)
        #expect(again.status == 0)
        #expect(again.stdout.contains("Nothing to change: the ledger already matches this export."))
        #expect(try sandbox.git(["rev-parse", "HEAD"], in: dir).stdout == head)

        // A later export: INV-1042 part-paid, INV-1008 gone (paid in the accounting package).
        var text = try String(contentsOfFile: Binary.exampleLedger + "/exports/open-invoices.csv", encoding: .utf8)
        text = text.replacingOccurrences(of: "INV-1042,,10/08/2026,09/09/2026,7150.00,0.00,0.00,7150.00", with: "INV-1042,,10/08/2026,09/09/2026,7150.00,0.00,3000.00,4150.00")
        text = text.split(separator: "\r\n").filter { !$0.contains("INV-1008") }.joined(separator: "\r\n") + "\r\n"
        try sandbox.write("later.csv", text)
        let later = try sandbox.duetrail(["import", "invoices", sandbox.path("later.csv")], in: dir)
        #expect(later.status == 0, "\(later)")
        #expect(later.stdout.contains("Not in this export — paid? (--close-missing closes them):\n  INV-1008  delta-foods  EUR 2,480.00"))
        let show = try sandbox.duetrail(["show", "INV-1042"], in: dir).stdout
        #expect(show.contains("balance   EUR 4,150.00"))
        #expect(try sandbox.read("ledger/cases/acme-gmbh/inv-1042.md").contains(" · balance · balance: 4150.00 EUR · was: 7150.00 EUR · source: xero later.csv · by Ana Ruiz · #"))

        let closing = try sandbox.duetrail(["import", "invoices", sandbox.path("later.csv"), "--close-missing"], in: dir)
        #expect(closing.stdout.contains("Closed, not in this export:"))
        #expect(try sandbox.duetrail(["show", "INV-1008"], in: dir).stdout.contains("status    closed (not in export)"))
        #expect(try sandbox.git(["log", "-1", "--format=%s"], in: dir).stdout == "import: 27 invoices from later.csv (0 new, 1 updated, 1 closed)\n")
    }

    @Test func aBadExportIsRefusedWholeAndTheLedgerIsUntouched() throws {
        let dir = try sandbox.exampleLedger(importing: false)
        let head = try sandbox.git(["rev-parse", "HEAD"], in: dir).stdout
        try sandbox.write("bad.csv", """
            Invoice,Customer,Due,Balance
            A-1,Acme GmbH,2026-10-01,10.00
            A-2,Acme GmbH,2026-02-30,12.00
            A-3,Acme GmbH,2026-10-01,1O.00

            """)
        let r = try sandbox.duetrail(["import", "invoices", sandbox.path("bad.csv")], in: dir)
        #expect(r.status == 1)
        #expect(r.stdout == "")
        #expect(r.stderr.contains("bad.csv:3: column 3 (Due): `2026-02-30` is not a date"), "\(r)")
        #expect(r.stderr.contains("bad.csv:4: column 4 (Balance): `1O.00` is not an amount"))
        #expect(try sandbox.git(["rev-parse", "HEAD"], in: dir).stdout == head)
        #expect(try sandbox.git(["status", "--porcelain", "--untracked-files=all"], in: dir).stdout == "")

        let missing = try sandbox.duetrail(["import", "invoices", "nope.csv"], in: dir)
        #expect(missing.status == 1 && missing.stderr.contains("nope.csv: cannot read the file"))
        let dry = try sandbox.duetrail(["import", "invoices", Binary.exampleLedger + "/exports/open-invoices.csv", "--dry-run", "--json"], in: dir)
        let report = try JSONSerialization.jsonObject(with: Data(dry.stdout.utf8)) as? [String: Any]
        #expect(report?["new"] as? Int == 25 && report?["dryRun"] as? Bool == true && report?["commit"] == nil)
        #expect(report?["format"] as? String == "xero" && report?["dateFormat"] as? String == "DD/MM/YYYY")
        #expect(try sandbox.git(["rev-parse", "HEAD"], in: dir).stdout == head)  // a dry run writes nothing
        let badFlag = try sandbox.duetrail(["import", "invoices", "x.csv", "--map", "colour=Red"], in: dir)
        #expect(badFlag.status != 0 && badFlag.stderr.contains("--map takes FIELD=COLUMN"))
    }

    @Test func aNoteIsOneCommitAndHandEditsSurviveIt() throws {
        let dir = try sandbox.exampleLedger()
        // A person adds prose and a key of their own, and commits with plain git.
        var text = try sandbox.read("ledger/cases/acme-gmbh/inv-1042.md")
        text = text.replacingOccurrences(of: "source: xero\n", with: "source: xero\nowner: Bo\n")
        text = text.replacingOccurrences(of: "## Timeline", with: "Jonas is on leave until December.\n\n## Timeline")
        try sandbox.write("ledger/cases/acme-gmbh/inv-1042.md", text)
        try sandbox.git(["commit", "-qam", "context for INV-1042"], in: dir)

        let r = try sandbox.duetrail(["note", "INV-1042", "Called; invoice is with their approver"], in: dir)
        #expect(r.status == 0, "\(r)")
        let after = try sandbox.read("ledger/cases/acme-gmbh/inv-1042.md")
        #expect(after.contains("owner: Bo\n") && after.contains("Jonas is on leave until December."))
        #expect(after.hasSuffix(" · note · Called; invoice is with their approver · by Ana Ruiz · #\(after.suffix(9).prefix(8))\n"))
        let diff = try sandbox.git(["diff", "HEAD~1", "--stat"], in: dir).stdout
        #expect(diff.contains("1 file changed, 1 insertion(+)"))
        #expect(try sandbox.git(["log", "-1", "--format=%an|%s|%(trailers:key=DueTrail-Case,valueonly)"], in: dir).stdout.hasPrefix("Ana Ruiz|note: INV-1042|INV-1042"))
        #expect(try sandbox.git(["status", "--porcelain"], in: dir).stdout == "")
        #expect(try sandbox.duetrail(["check"], in: dir).status == 0)
    }

    @Test func uncommittedEditsAreNeverOverwritten() throws {
        let dir = try sandbox.exampleLedger()
        let path = "ledger/cases/acme-gmbh/inv-1042.md"
        let edited = try sandbox.read(path) + "- 2026-11-30 · note · typing… · by Ana\n"
        try sandbox.write(path, edited)
        let head = try sandbox.git(["rev-parse", "HEAD"], in: dir).stdout
        let r = try sandbox.duetrail(["note", "INV-1042", "Another note"], in: dir)
        #expect(r.status == 1)
        #expect(r.stderr.contains("uncommitted changes in files this would rewrite:\n  cases/acme-gmbh/inv-1042.md"), "\(r)")
        #expect(try sandbox.read(path) == edited)
        #expect(try sandbox.git(["rev-parse", "HEAD"], in: dir).stdout == head)
        // Other cases are still fine to act on.
        #expect(try sandbox.duetrail(["note", "INV-1045", "Left a voicemail"], in: dir).status == 0)
        #expect(try sandbox.read(path) == edited)
    }

    @Test func checkNamesTheFileAndLineOfEveryProblem() throws {
        let dir = try sandbox.exampleLedger()
        var text = try sandbox.read("ledger/cases/acme-gmbh/inv-1042.md")
        text = text.replacingOccurrences(of: "due: 2026-09-09", with: "due: 2026-09-31")
        try sandbox.write("ledger/cases/acme-gmbh/inv-1042.md", text)
        try sandbox.write("ledger/cases/delta-foods/inv-1008.md", try sandbox.read("ledger/cases/delta-foods/inv-1008.md") + "- tomorrow · note · x · by Ana\n")
        let r = try sandbox.duetrail(["check"], in: dir)
        #expect(r.status == 1)
        #expect(r.stdout.contains("cases/acme-gmbh/inv-1042.md:5:6: `due` must be a date YYYY-MM-DD, not `2026-09-31`\n  |\n5 | due: 2026-09-31\n  |      ^"), "\(r)")
        #expect(r.stdout.contains("cases/delta-foods/inv-1008.md:16: `tomorrow` is not a date"))
        #expect(r.stderr.contains("2 problems found"))
        let json = try JSONSerialization.jsonObject(with: Data(try sandbox.duetrail(["check", "--json"], in: dir).stdout.utf8)) as? [String: Any]
        #expect(json?["ok"] as? Bool == false)
        #expect((json?["problems"] as? [[String: Any]])?.count == 2)
    }

    @Test func showAndQueueFindCasesAndExplainUnknownOnes() throws {
        let dir = try sandbox.exampleLedger()
        let show = try sandbox.duetrail(["show", "inv-1090"], in: dir)
        #expect(show.status == 0)
        #expect(show.stdout.hasPrefix("Invoice INV-1090 — Fjord Software AS\n  file      cases/fjord-software/inv-1090.md\n  issued    2026-10-22\n  due       2026-11-21 (9 days overdue)\n  amount    USD 8,900.00\n  balance   USD 6,900.00\n  status    open\n  bucket    1-30\n"), "\(show)")
        let unknown = try sandbox.duetrail(["show", "INV-9999"], in: dir)
        #expect(unknown.status == 1 && unknown.stderr.contains("no case for `INV-9999`"))
        let badDate = try sandbox.duetrail(["queue", "--today", "30/11/2026"], in: dir)
        #expect(badDate.status != 0 && badDate.stderr.contains("--today takes a date like 2026-11-29"))
        // `--today` moves every age: on 2026-12-31, INV-1101 (due 2026-12-16) is 15 days overdue.
        let later = try sandbox.duetrail(["queue", "--today", "2026-12-31", "--customer", "acme-gmbh", "--csv"], in: dir).stdout
        #expect(later.contains(",INV-1101,acme-gmbh,Acme GmbH,2026-12-16,15,1-30,4800.00,EUR,"))
        let notALedger = try sandbox.duetrail(["queue"], in: sandbox.path("home"))
        #expect(notALedger.status == 1 && notALedger.stderr.contains("is not a DueTrail ledger"))
    }

    @Test func aBareLedgerTakesImportsToo() throws {
        let r = try sandbox.duetrail(["init", "shared.git", "--bare", "--company", "Northwind"])
        #expect(r.status == 0, "\(r)")
        try sandbox.write("open.csv", "Invoice,Customer,Due,Balance,Currency\nA-1,Acme GmbH,2026-10-01,10.00,EUR\n")
        let imported = try sandbox.duetrail(["import", "invoices", sandbox.path("open.csv"), "--ledger", sandbox.path("shared.git")])
        #expect(imported.status == 0, "\(imported)")
        let gitDir = sandbox.path("shared.git")
        #expect(try sandbox.git(["--git-dir", gitDir, "log", "--format=%s"]).stdout == "import: 1 invoices from open.csv (1 new, 0 updated)\ninit: new DueTrail ledger for Northwind\n")
        #expect(try sandbox.git(["--git-dir", gitDir, "show", "HEAD:cases/acme-gmbh/a-1.md"]).stdout.contains("invoice: A-1\n"))
        #expect(try sandbox.duetrail(["check", "--ledger", gitDir]).status == 0)
        // A clone sees an ordinary repository.
        try sandbox.git(["clone", "-q", gitDir, sandbox.path("clone")])
        #expect(try sandbox.duetrail(["queue", "--csv"], in: sandbox.path("clone")).stdout.contains(",A-1,acme-gmbh,Acme GmbH,2026-10-01,60,31-60,10.00,EUR,"))
    }

    @Test func theDemoRunsTheMainJob() throws {
        let r = try sandbox.duetrail(["demo", sandbox.path("demo"), "--example", Binary.exampleLedger])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("[2] duetrail import invoices"))
        #expect(r.stdout.contains("25 new, 0 updated, 0 unchanged, 2 paid/void not opened, 1 draft (never sent) not opened"))
        #expect(r.stdout.contains("Total EUR 42,895.50 in 16 open cases"))
        #expect(try sandbox.git(["log", "--format=%an|%s"], in: sandbox.path("demo")).stdout
            == "Dana Demo|done: decide on escalation on INV-1018\nDana Demo|hold: blue-harbour-design: negotiating a settlement\nDana Demo|pay: INV-1012 EUR 3,900.00 (paid in full)\nDana Demo|promise: INV-1008 by 2026-12-07\nDana Demo|send: 7 reminders\nDana Demo|approve: 5 reminders\nDana Demo|draft: 2 reminders approved by policy\nDana Demo|note: INV-1008\nDana Demo|import: 28 invoices from open-invoices.csv (25 new, 0 updated)\nDana Demo|init: new DueTrail ledger for Northwind Studio Ltd\n")
        #expect(try sandbox.git(["fsck", "--strict"], in: sandbox.path("demo")).status == 0)
        // Draft, review as a diff, approve: the approved drafts are committed, nothing is left over.
        #expect(r.stdout.contains("[5] duetrail draft") && r.stdout.contains("[6] duetrail review acme-gmbh") && r.stdout.contains("[7] duetrail approve --all"))
        #expect(r.stdout.contains("    +Subject: Invoices from Northwind Studio Ltd awaiting payment: EUR 9,410.00\n"))
        // The old backlog catches up with an email worded as a first contact, never a task first.
        #expect(r.stdout.contains("    Catch-up: INV-1045, INV-1079 never had a reminder") && r.stdout.contains("      We have not yet received payment for the following invoices, which are now 74 days past due:\n"), "\(r.stdout)")
        #expect(try sandbox.git(["status", "--porcelain"], in: sandbox.path("demo")).stdout == "")
        // Sent into the demo's Maildir, recorded under sent/ and on each case.
        #expect(r.stdout.contains("[8] duetrail send: the approved drafts from HEAD, via maildir ") && r.stdout.contains("Sent 7 messages via maildir"))
        #expect(try sandbox.git(["ls-files", "outbox"], in: sandbox.path("demo")).stdout.isEmpty)
        #expect(try sandbox.git(["ls-files", "sent"], in: sandbox.path("demo")).stdout.split(separator: "\n").count == 7)
        #expect(try FileManager.default.contentsOfDirectory(atPath: sandbox.path("demo/.git/duetrail/maildir/new")).count == 7)
        #expect(r.stdout.contains("    On the case (cases/acme-gmbh/inv-1030.md):\n      - 2026-11-30 09:00 · sent · step: final · message-id: <20261130.statement.acme-gmbh."))
        // A promise and a payment change the worklist.
        #expect(r.stdout.contains("    1  INV-1008  Delta Foods Ltd        2026-06-28   155  90+     EUR 2,480.00  promised for 2026-12-07\n"), "\(r.stdout)")
        #expect(r.stdout.contains("INV-1012 is paid and gone from the worklist; INV-1008 waits for its promise."))
        // A hold, and two weeks on the tasks the emails led to, one finished with `done`.
        #expect(r.stdout.contains("    Blue Harbour Design is on hold since 2026-11-30: negotiating a settlement; commit "))
        #expect(r.stdout.contains("[13] duetrail tasks --today 2026-12-14: 11 tasks due, each after its email went out"))
        #expect(r.stdout.contains("    duetrail done INV-1018 --note …: decide on escalation finished in commit "))
        // Same date, same identity: the same bytes every run.
        let again = try sandbox.duetrail(["demo", sandbox.path("demo"), "--example", Binary.exampleLedger, "--force"])
        #expect(again.stdout == r.stdout)
        // --force never replaces a real ledger.
        let real = try sandbox.exampleLedger("real", importing: false)
        let refused = try sandbox.duetrail(["demo", real, "--example", Binary.exampleLedger, "--force"])
        #expect(refused.status == 1 && refused.stderr.contains("--force replaces only a previous demo"))
        #expect(FileManager.default.fileExists(atPath: real + "/duetrail.yaml"))
    }
}
