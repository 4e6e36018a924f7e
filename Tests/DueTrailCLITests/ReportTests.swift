import Foundation
import Testing
import TestSupport

/// The reports on the example ledger after ten days of work, every figure worked out by hand
/// from `example-ledger/exports/open-invoices.csv` (see each comment), not by the tool's code.
///
/// The story (each step a commit on its own day):
/// - 11-30: the import; Ana types three `sent` events into case files with plain git
///   (nudge to INV-1042 on 11-20, INV-1047 and INV-1093 on 11-29; firm to INV-1061 on 11-25).
/// - 12-01: Ana: promise INV-1042 by 12-04, INV-1008 by 12-02; Bo: promise INV-1061 by 12-03,
///   2,000.00 of its 5,400.00; Bo: a call about INV-1047.
/// - 12-03: Bo: INV-1061 pays 1,000.00; INV-1093 pays its 920.00 in full.
/// - 12-04: Ana: INV-1042 pays its 7,150.00 in full; Bo: promise INV-1101 by 12-20.
/// - Reports run on 12-10. The cadence's grace is 2 business days (weekends, and 12-08 off).
@Suite struct ReportTests {
    let sandbox: Sandbox
    let dir: String

    init() throws {
        sandbox = try Sandbox()
        dir = try sandbox.exampleLedger()
        let sent = [
            ("acme-gmbh/inv-1042", "2026-11-20", "nudge"), ("delta-foods/inv-1047", "2026-11-29", "nudge"),
            ("acme-gmbh/inv-1093", "2026-11-29", "nudge"), ("delta-foods/inv-1061", "2026-11-25", "firm"),
        ]
        for (path, day, step) in sent {
            let file = "ledger/cases/\(path).md"
            try sandbox.write(file, try sandbox.read(file) + "- \(day) · sent · step: \(step) · by Ana Ruiz\n")
        }
        var env = sandbox.environment
        env["GIT_AUTHOR_DATE"] = "2026-11-30T12:00:00Z"
        env["GIT_COMMITTER_DATE"] = "2026-11-30T12:00:00Z"
        let committed = try ProcessResult.run("/usr/bin/env", ["git", "commit", "-qam", "reminders sent by hand"], cwd: dir, environment: env)
        guard committed.status == 0 else { throw FixtureError(committed.description) }
        try act(["promise", "INV-1042", "--date", "2026-12-04"], on: "2026-12-01", as: "Ana")
        try act(["promise", "INV-1008", "--date", "2026-12-02"], on: "2026-12-01", as: "Ana")
        try act(["promise", "INV-1061", "--date", "2026-12-03", "--amount", "2000"], on: "2026-12-01", as: "Bo")
        try act(["contact", "INV-1047", "--call", "--summary", "AP will pay next run"], on: "2026-12-01", as: "Bo")
        try act(["pay", "INV-1061", "--amount", "1000"], on: "2026-12-03", as: "Bo")
        try act(["pay", "INV-1093", "--amount", "920"], on: "2026-12-03", as: "Bo")
        try act(["pay", "INV-1042", "--amount", "7150"], on: "2026-12-04", as: "Ana")
        try act(["promise", "INV-1101", "--date", "2026-12-20"], on: "2026-12-04", as: "Bo")
    }

    func act(_ args: [String], on day: String, as who: String) throws {
        var env = who == "Bo" ? sandbox.environment(actingAs: "Bo Chen", email: "bo@northwind-studio.example") : sandbox.environment
        env["DUETRAIL_TODAY"] = day
        env["DUETRAIL_NOW"] = day + "T10:00:00Z"
        let r = try ProcessResult.run(Binary.duetrail, args, cwd: dir, environment: env)
        guard r.status == 0 else { throw FixtureError("\(args): \(r)") }
    }

    func report(_ args: [String]) throws -> [String: Any] {
        let r = try sandbox.duetrail(["report"] + args + ["--json"], in: dir, extraEnvironment: ["DUETRAIL_TODAY": "2026-12-10", "DUETRAIL_NOW": "2026-12-10T09:00:00Z"])
        guard r.status == 0, let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any] else { throw FixtureError(r.description) }
        return json
    }

    func rows(_ json: [String: Any]) -> [[String: Any]] { json["rows"] as? [[String: Any]] ?? [] }

    @Test func agingBucketsPerCurrencyAndPerCustomer() throws {
        let aging = try report(["aging", "--by", "customer"])
        let eur = try #require(rows(aging).first { $0["customer"] as? String == "(all)" && $0["currency"] as? String == "EUR" })
        // EUR on 12-10 — current: INV-1101 4,800 (due 12-16). 1-30: INV-1087 3,200 (29 d), 1089 1,450 (21),
        // 1095 1,200 (12), 1104 2,150 (10) = 8,000. 31-60: 1066 780 (51), 1068 2,000 (45) = 2,780.
        // 61-90: 1047 1,875.50 (77), 1049 650 (73), 1061 4,400 (63, after 1,000 paid) = 6,925.50.
        // 90+: 1008 2,480, 1012 3,900, 1021 3,600, 1030 1,340 = 11,320. 1042 and 1093 are paid.
        #expect(eur["current"] as? String == "4800.00")
        #expect(eur["days_1_30"] as? String == "8000.00")
        #expect(eur["days_31_60"] as? String == "2780.00")
        #expect(eur["days_61_90"] as? String == "6925.50")
        #expect(eur["days_90_plus"] as? String == "11320.00")
        #expect(eur["total"] as? String == "33825.50" && eur["cases"] as? Int == 14)
        let usd = try #require(rows(aging).first { $0["customer"] as? String == "(all)" && $0["currency"] as? String == "USD" })
        // USD: nothing paid; 9 cases, 40,970.00 (INV-1103 1,980 is the only one not yet due).
        #expect(usd["total"] as? String == "40970.00" && usd["current"] as? String == "1980.00" && usd["cases"] as? Int == 9)
        let acme = try #require(rows(aging).first { $0["customer"] as? String == "Acme GmbH" })
        // Acme: INV-1030 1,340 (90+) and INV-1101 4,800 (current) are left.
        #expect(acme["total"] as? String == "6140.00" && acme["days_90_plus"] as? String == "1340.00" && acme["current"] as? String == "4800.00")
        // As of 12-02: the ledger as committed then (nothing paid yet), aged on 12-02.
        let before = try report(["aging", "--as-of", "2026-12-02"])
        let then = try #require(rows(before).first { $0["currency"] as? String == "EUR" })
        #expect(then["total"] as? String == "42895.50" && then["current"] as? String == "4800.00", "\(then)")
        #expect(before["as_of"] as? String == "2026-12-02")
    }

    @Test func dsoUsesTheReceivablesAtTheEndAndTheSalesOfThePeriod() throws {
        let dso = try report(["dso", "--period", "90d"])
        #expect(dso["period_start"] as? String == "2026-09-12" && dso["period_end"] as? String == "2026-12-10")
        let eur = try #require(rows(dso).first { $0["currency"] as? String == "EUR" })
        // Issued 09-12..12-10 in EUR: 1066 780, 1068 2,600 (its total), 1087 3,200, 1089 1,450,
        // 1093 920, 1095 1,200, 1101 4,800, 1104 2,150 = 17,100.00 (8 invoices).
        // DSO = 33,825.50 / 17,100.00 × 90 = 178.03 → 178.0.
        #expect(eur["receivables"] as? String == "33825.50" && eur["credit_sales"] as? String == "17100.00")
        #expect(eur["invoices_issued"] as? Int == 8 && eur["open_cases"] as? Int == 14)
        #expect((eur["dso"] as? NSNumber)?.doubleValue == 178.0)
        let usd = try #require(rows(dso).first { $0["currency"] as? String == "USD" })
        // USD: 1064 12,500, 1070 3,300, 1079 2,750, 1090 8,900, 1102 6,250, 1103 1,980 = 35,680.00;
        // 40,970.00 / 35,680.00 × 90 = 103.34 → 103.3.
        #expect(usd["credit_sales"] as? String == "35680.00" && (usd["dso"] as? NSNumber)?.doubleValue == 103.3)
    }

    @Test func promisesAreJudgedAtTheirDeadlineByPersonAndCustomer() throws {
        let table = rows(try report(["promises"]))
        func row(_ by: String, _ name: String) -> [String: Int] {
            let r = table.first { $0["by"] as? String == by && $0["name"] as? String == name } ?? [:]
            return r.compactMapValues { $0 as? Int }
        }
        // INV-1042 kept (paid 12-04, promised 12-04); INV-1061 part-kept (1,000 of 2,000 by its
        // deadline 12-07); INV-1008 broken (deadline 12-04, nothing paid); INV-1101 pending (12-22).
        #expect(row("all", "all") == ["made": 4, "kept": 1, "part_kept": 1, "broken": 1, "pending": 1, "cancelled": 0])
        #expect(row("person", "Ana Ruiz") == ["made": 2, "kept": 1, "part_kept": 0, "broken": 1, "pending": 0, "cancelled": 0])
        #expect(row("person", "Bo Chen") == ["made": 2, "kept": 0, "part_kept": 1, "broken": 0, "pending": 1, "cancelled": 0])
        #expect(row("customer", "Acme GmbH") == ["made": 2, "kept": 1, "part_kept": 0, "broken": 0, "pending": 1, "cancelled": 0])
        #expect(row("customer", "Delta Foods Ltd") == ["made": 2, "kept": 0, "part_kept": 1, "broken": 1, "pending": 0, "cancelled": 0])
    }

    @Test func cadenceCountsPaymentsAfterEachStep() throws {
        let table = rows(try report(["cadence"]))
        let nudge = try #require(table.first { $0["step"] as? String == "nudge" })
        // Nudges: INV-1093 (11-29 → paid 12-03: 4 days), INV-1042 (11-20 → 12-04: 14), INV-1047 unpaid.
        #expect(nudge["sent"] as? Int == 3 && nudge["paid_7d"] as? Int == 1 && nudge["paid_14d"] as? Int == 2 && nudge["paid_30d"] as? Int == 2)
        #expect(nudge["paid"] as? Int == 2 && (nudge["median_days"] as? NSNumber)?.doubleValue == 9)
        let firm = try #require(table.first { $0["step"] as? String == "firm" })
        // Firm: INV-1061 is only part paid.
        #expect(firm["sent"] as? Int == 1 && firm["paid"] as? Int == 0 && firm["median_days"] is NSNull)
    }

    @Test func theTrendIsRebuiltFromEachDaysCommit() throws {
        let table = rows(try report(["trend", "--from", "2026-11-30", "--to", "2026-12-10"]))
        let eur = table.filter { $0["currency"] as? String == "EUR" }.map { "\($0["date"] ?? "") \($0["receivables"] ?? "") \($0["overdue"] ?? "")" }
        // Receivables: 42,895.50 until 12-03 (−1,000 −920), 12-04 (−7,150). Overdue: due before the
        // day; INV-1104 (due 11-30) counts from 12-01.
        #expect(eur == [
            "2026-11-30 42895.50 35945.50", "2026-12-01 42895.50 38095.50", "2026-12-02 42895.50 38095.50",
            "2026-12-03 40975.50 36175.50", "2026-12-04 33825.50 29025.50", "2026-12-05 33825.50 29025.50",
            "2026-12-06 33825.50 29025.50", "2026-12-07 33825.50 29025.50", "2026-12-08 33825.50 29025.50",
            "2026-12-09 33825.50 29025.50", "2026-12-10 33825.50 29025.50",
        ])
        let usd = table.filter { $0["currency"] as? String == "USD" }.map { $0["overdue"] as? String ?? "" }
        // INV-1102 (6,250, due 12-02) is overdue from 12-03.
        #expect(usd.prefix(4) == ["32740.00", "32740.00", "32740.00", "38990.00"])
        // Per commit: one point for each commit from 11-30 on (init, the fixture's settings and
        // customers, import, the hand edit and eight actions: every one dated by the sandbox's
        // fixed clock), the last of them the same state as the last day's.
        let perCommit = rows(try report(["trend", "--from", "2026-11-30", "--per-commit"])).filter { $0["currency"] as? String == "EUR" }
        #expect(perCommit.count == 12 && perCommit.last?["receivables"] as? String == "33825.50" && perCommit.last?["open_cases"] as? Int == 14, "\(perCommit)")
        #expect(perCommit.map { $0["receivables"] as? String ?? "" }.prefix(3) == ["0.00", "0.00", "42895.50"], "nothing is owed before the import")
        // Each point names the commit whose state it is: that day's last on the main line.
        let last = try sandbox.git(["log", "-1", "--format=%h", "--abbrev=8"], in: dir).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(table.last?["commit"] as? String == last)
    }

    @Test func activityCountsEachPersonsWorkFromTheHistory() throws {
        let table = rows(try report(["activity"]))
        let ana = try #require(table.first { $0["person"] as? String == "Ana Ruiz" })
        // Ana: init and import (other), the fixture's settings commit and the hand-typed `sent`
        // events (by hand), two promises, one payment.
        #expect(ana["promises"] as? Int == 2 && ana["payments"] as? Int == 1 && ana["by_hand"] as? Int == 2 && ana["other"] as? Int == 2)
        let bo = try #require(table.first { $0["person"] as? String == "Bo Chen" })
        #expect(bo["promises"] as? Int == 2 && bo["payments"] as? Int == 2 && bo["contacts"] as? Int == 1 && bo["approvals"] as? Int == 0)
    }

    @Test func theHTMLReportIsOneFileThatRendersInABrowser() throws {
        let file = sandbox.path("report.html")
        let r = try sandbox.duetrail(["report", "--html", file], in: dir, extraEnvironment: ["DUETRAIL_TODAY": "2026-12-10", "DUETRAIL_NOW": "2026-12-10T09:00:00Z"])
        #expect(r.status == 0, "\(r)")
        let html = try String(contentsOfFile: file, encoding: .utf8)
        #expect(!html.contains("src=") && !html.contains("href=") && !html.contains("<script"), "self-contained")
        #expect(html.components(separatedBy: "<svg").count - 1 == 5, "aging (EUR, USD), trend (EUR, USD), promises")
        #expect(html.contains("<td class=\"num\">33,825.50</td>"))

        let artifacts = ProcessInfo.processInfo.environment["DUETRAIL_TEST_ARTIFACTS"].map { $0 + "/report" }
            ?? Binary.packageRoot.appendingPathComponent(".build/test-artifacts/report").path
        try FileManager.default.createDirectory(atPath: artifacts, withIntermediateDirectories: true)
        let shot = artifacts + "/report.png"
        try? FileManager.default.removeItem(atPath: shot)
        let chromium = ["/usr/bin/chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                        "--user-data-dir=" + sandbox.path("chromium")]
        let dom = try ProcessResult.run(chromium[0], Array(chromium.dropFirst()) + ["--dump-dom", "file://" + file], cwd: sandbox.root.path, environment: sandbox.environment)
        #expect(dom.status == 0 && dom.stdout.contains("<h2>Aging of open balances</h2>") && dom.stdout.contains("<polyline"), "\(dom.stderr.suffix(500))")
        let picture = try ProcessResult.run(chromium[0], Array(chromium.dropFirst()) + ["--window-size=1200,4000", "--screenshot=" + shot, "file://" + file],
            cwd: sandbox.root.path, environment: sandbox.environment)
        let size = (try? FileManager.default.attributesOfItem(atPath: shot)[.size] as? Int) ?? 0
        #expect(picture.status == 0 && size > 20_000, "\(picture)")
    }

    @Test func csvAndTextCarryTheSameFiguresAndBadOptionsAreRefused() throws {
        let env = ["DUETRAIL_TODAY": "2026-12-10", "DUETRAIL_NOW": "2026-12-10T09:00:00Z"]
        let csv = try sandbox.duetrail(["report", "aging", "--csv"], in: dir, extraEnvironment: env)
        #expect(csv.stdout.hasPrefix("customer,customer_slug,currency,current,days_1_30,days_31_60,days_61_90,days_90_plus,total,cases,credit\n(all),,EUR,4800.00,8000.00,2780.00,6925.50,11320.00,33825.50,14,0.00\n"), "\(csv)")
        let text = try sandbox.duetrail(["report", "aging"], in: dir, extraEnvironment: env)
        #expect(text.stdout.contains("(all)           EUR  4,800.00   8,000.00   2,780.00  6,925.50  11,320.00  33,825.50     14    0.00"), "\(text)")
        for (args, message) in [
            (["dso", "--period", "forever"], "--period takes a number of days like 90d"),
            (["aging", "--as-of", "2020-01-01"], "the ledger has no commit on or before 2020-01-01"),
            (["aging", "--by", "colour"], "--by takes `customer`"),
            (["trend", "--from", "2026-12-10", "--to", "2026-12-01"], "--from 2026-12-10 is after --to 2026-12-01"),
            (["aging", "--json", "--csv"], "choose one of --json and --csv"),
        ] {
            let r = try sandbox.duetrail(["report"] + args, in: dir, extraEnvironment: env)
            #expect(r.status != 0 && r.stderr.contains(message) && r.stdout.isEmpty, "\(args): \(r)")
        }
    }
}
