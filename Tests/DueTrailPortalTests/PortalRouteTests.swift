import DueTrailCore
import DueTrailLedger
import DueTrailPortal
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import TestSupport

/// The portal's routes through Hummingbird's test client, over a real ledger repository,
/// checked with the git CLI.
@Suite struct PortalRouteTests {
    @Test func aCustomerSeesTheirOpenInvoicesUnderStrictSecurityHeaders() async throws {
        let f = try PortalFixture()
        let link = f.link("acme-gmbh")
        try await f.test { client in
            try await client.execute(uri: "/p/\(link)", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(response.status == .ok)
                #expect(html.contains("<h1>Your account: Acme GmbH</h1>"))
                for number in ["INV-1030", "INV-1042", "INV-1093", "INV-1101"] { #expect(html.contains(#"<th scope="row">\#(number)"#), "\(number)") }
                #expect(!html.contains("INV-1047") && !html.contains("Delta Foods"), "another customer's invoice")
                #expect(html.contains("Total open: <span>EUR 14,210.00</span>"))
                #expect(response.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
                #expect(response.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
                #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
                #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                #expect(response.headers[.cacheControl] == "no-store")
            }
            try await client.execute(uri: "/portal.css", method: .get) { response in
                #expect(response.status == .ok && response.headers[.contentType] == "text/css; charset=utf-8")
                #expect(String(buffer: response.body).contains("@media (max-width: 40rem)"))
            }
        }
    }

    @Test func forgedAlteredExpiredAndUnknownLinksAllGetTheSame404() async throws {
        let f = try PortalFixture()
        let good = f.link("acme-gmbh").split(separator: ".").map(String.init)
        let forged = PortalLink.token(customer: "acme-gmbh", expires: f.now.addingTimeInterval(86_400), key: PortalKey.generate().key)
        let links = [
            "delta-foods.\(good[1]).\(good[2])",  // another customer, same signature
            "acme-gmbh.1899999999.\(good[2])",  // a later expiry
            forged,  // another key
            f.link("acme-gmbh", validFor: -60),  // expired
            f.link("nobody-ltd"),  // genuine, but no such customer
            "acme-gmbh", "..%2F..%2Fetc%2Fpasswd",
        ]
        try await f.test { client in
            for link in links {
                try await client.execute(uri: "/p/\(link)", method: .get) { response in
                    #expect(response.status == .notFound, "\(link)")
                    #expect(String(buffer: response.body) == PortalPage.notFound, "\(link)")
                    #expect(response.headers[.contentSecurityPolicy] != nil)
                }
                try await client.execute(uri: "/p/\(link)/dispute", method: .post, headers: PortalFixture.formHeaders,
                    body: PortalFixture.form([("invoice", "INV-1042"), ("reason", "x")])) { response in
                    #expect(response.status == .notFound && String(buffer: response.body) == PortalPage.notFound, "\(link) \(response.status)")
                }
            }
            // A genuine link to a customer the ledger does not have: 404 before anything else
            // about the request is judged (another site, a body too large).
            var crossSite = PortalFixture.formHeaders
            crossSite[HTTPField.Name("Sec-Fetch-Site")!] = "cross-site"
            try await client.execute(uri: "/p/\(f.link("nobody-ltd"))/dispute", method: .post, headers: crossSite,
                body: PortalFixture.form([("reason", String(repeating: "x", count: 40_000))])) { response in
                #expect(response.status == .notFound && String(buffer: response.body) == PortalPage.notFound)
            }
            for path in ["/", "/p/", "/cases/acme-gmbh/inv-1042.md", "/.git/config"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .notFound && String(buffer: response.body) == PortalPage.notFound, "\(path)")
                }
            }
        }
        #expect(try f.commitCount() == 3)
    }

    @Test func aPromiseAndADisputeAreCommitsByTheCustomerWithTheTeamsEvents() async throws {
        let f = try PortalFixture()
        let link = f.link("acme-gmbh")
        let before = try f.commitCount()
        try await f.test { client in
            let token = try await PortalFixture.formToken(client, link: link)
            try await client.execute(uri: "/p/\(link)/promise", method: .post, headers: PortalFixture.formHeaders,
                body: PortalFixture.form([("token", token), ("invoice", "INV-1042"), ("date", "2026-12-15"), ("amount", "2000"), ("note", "After our board meets")])) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/p/\(link)?done=promised")
            }
            let log = try f.lastCommit()
            #expect(log.hasPrefix("Acme GmbH <no-reply@northwind-studio.example>\npromise: INV-1042 by 2026-12-15"), "\(log)")
            #expect(log.contains("DueTrail-Action: promise\nDueTrail-Case: INV-1042\nVia: portal\n"), "\(log)")
            let file = try f.committedFile("cases/acme-gmbh/inv-1042.md")
            #expect(file.contains("· promised · date: 2026-12-15 · amount: 2000.00 EUR · via: portal · After our board meets · by Acme GmbH ·"), "\(file)")
            // The working tree follows the commit: nothing left for the team to clean up.
            #expect(try f.sandbox.git(["status", "--porcelain"], in: f.ledger).stdout.isEmpty)

            try await client.execute(uri: "/p/\(link)?done=promised", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(html.contains(#"<div class="notice" role="status"><h2>Thank you</h2><p>Your payment date is recorded."#))
                #expect(html.contains("INV-1042<span class=\"status\">Payment of EUR 2,000.00 promised by 15 December 2026</span>"), "the part promised, in its currency")
            }
            try await client.execute(uri: "/p/\(link)/dispute", method: .post, headers: PortalFixture.formHeaders,
                body: PortalFixture.form([("token", token), ("invoice", "INV-1030"), ("reason", "We never received the second delivery.")])) { response in
                #expect(response.status == .seeOther)
            }
            #expect(try f.lastCommit().contains("dispute: INV-1030\n\nDueTrail-Action: dispute\nDueTrail-Case: INV-1030\nVia: portal\n"))
            #expect(try f.committedFile("cases/acme-gmbh/inv-1030.md").contains("· disputed · via: portal · We never received the second delivery. · by Acme GmbH ·"))
            // Disputed once: the form no longer offers it, and a second dispute is refused.
            try await client.execute(uri: "/p/\(link)/dispute", method: .post, headers: PortalFixture.formHeaders,
                body: PortalFixture.form([("token", token), ("invoice", "INV-1030"), ("reason", "again")])) { response in
                #expect(response.status == .unprocessableContent)
                #expect(String(buffer: response.body).contains("INV-1030 is already disputed"))
            }
        }
        #expect(try f.commitCount() == before + 2)
        // The cadence sees the same holds the team's commands make: neither case is due a reminder.
        let queue = try f.sandbox.duetrail(["show", "INV-1030"], in: f.ledger)
        #expect(queue.stdout.lowercased().contains("disputed"), "\(queue)")
    }

    @Test func aNoteShapedLikeADetailStaysTextAndAWorkingTreeInTheWayIsNotTheCustomersFault() async throws {
        let f = try PortalFixture()
        let link = f.link("acme-gmbh")
        // Someone is editing INV-1093 in the working clone the portal serves.
        try f.sandbox.write("ledger/cases/acme-gmbh/inv-1093.md", try f.sandbox.read("ledger/cases/acme-gmbh/inv-1093.md") + "\nhalf-typed\n")
        let before = try f.commitCount()
        try await f.test { client in
            let token = try await PortalFixture.formToken(client, link: link)
            try await client.execute(uri: "/p/\(link)/promise", method: .post, headers: PortalFixture.formHeaders,
                body: PortalFixture.form([("token", token), ("invoice", "INV-1042"), ("date", "2026-12-15"), ("note", "amount: 1.00 EUR")])) { response in
                #expect(response.status == .seeOther)
            }
            try await client.execute(uri: "/p/\(link)/promise", method: .post, headers: PortalFixture.formHeaders,
                body: PortalFixture.form([("token", token), ("invoice", "INV-1093"), ("date", "2026-12-15")])) { response in
                #expect(response.status == .internalServerError)
                #expect(String(buffer: response.body) == PortalPage.unavailable)
            }
        }
        #expect(try f.committedFile("cases/acme-gmbh/inv-1042.md").contains("· promised · date: 2026-12-15 · via: portal · \"amount: 1.00 EUR\" · by Acme GmbH ·"))
        #expect(try f.commitCount() == before + 1)
        #expect(f.log.all.contains { $0.hasPrefix("error promise not recorded") && $0.contains("inv-1093.md") }, "\(f.log.all)")
        let show = try f.sandbox.duetrail(["show", "INV-1042", "--json"], in: f.ledger)
        #expect(show.status == 0 && show.stdout.contains("\"balance\" : \"7150.00\""), "the case still reads: \(show)")
    }

    @Test func oneCustomersLinkNeverShowsOrChangesAnothersCases() async throws {
        let f = try PortalFixture()
        let link = f.link("acme-gmbh")
        let before = try f.commitCount()
        try await f.test { client in
            let token = try await PortalFixture.formToken(client, link: link)
            for (form, fields) in [
                ("dispute", [("token", token), ("invoice", "INV-1047"), ("reason", "not ours")]),
                ("promise", [("token", token), ("invoice", "INV-1047"), ("date", "2026-12-10")]),
                ("promise", [("token", token), ("invoice", "cases/delta-foods/inv-1047.md"), ("date", "2026-12-10")]),
            ] {
                try await client.execute(uri: "/p/\(link)/\(form)", method: .post, headers: PortalFixture.formHeaders, body: PortalFixture.form(fields)) { response in
                    #expect(response.status == .unprocessableContent, "\(fields)")
                    #expect(!String(buffer: response.body).contains("INV-1047"))
                }
            }
        }
        #expect(try f.commitCount() == before)
        // The ledger refuses it too, whoever asks: the check is not only in the portal's forms.
        let ledger = try Ledger.open(at: f.ledger, environment: f.sandbox.environment)
        let acme = ActionActor(identity: Identity(name: "Acme GmbH", email: "no-reply@northwind-studio.example"), trailers: [Trailer(.via, "portal")], customer: "acme-gmbh")
        #expect(throws: LedgerError.self) { try ledger.dispute(["INV-1047"], reason: "not ours", via: "portal", actor: acme) }
        #expect(try f.commitCount() == before)
    }

    @Test func formsWithoutTheirOwnTokenOrFromAnotherSiteAreRefused() async throws {
        let f = try PortalFixture()
        let acme = f.link("acme-gmbh"), delta = f.link("delta-foods")
        let before = try f.commitCount()
        try await f.test({ $0.allowedOrigin = "https://pay.northwind.example" }) { client in
            let deltaToken = try await PortalFixture.formToken(client, link: delta)
            let acmeToken = try await PortalFixture.formToken(client, link: acme)
            let staleToken = PortalFormToken.make(link: acme, at: f.now.addingTimeInterval(-5 * 3_600), key: f.key)
            for (token, origin) in [(nil, nil), (deltaToken, nil), (staleToken, nil), ("1796029200.AAAA", nil), (acmeToken, "https://evil.example")] as [(String?, String?)] {
                var headers = PortalFixture.formHeaders
                if let origin { headers[.origin] = origin }
                let fields = [("invoice", "INV-1042"), ("reason", "forged")] + (token.map { [("token", $0)] } ?? [])
                try await client.execute(uri: "/p/\(acme)/dispute", method: .post, headers: headers, body: PortalFixture.form(fields)) { response in
                    #expect(response.status == .forbidden, "\(String(describing: token)) \(String(describing: origin))")
                    #expect(String(buffer: response.body) == PortalPage.formExpired)
                }
            }
            // The portal's own origin, with the page's token: accepted.
            var headers = PortalFixture.formHeaders
            headers[.origin] = "https://pay.northwind.example"
            try await client.execute(uri: "/p/\(acme)/dispute", method: .post, headers: headers,
                body: PortalFixture.form([("token", acmeToken), ("invoice", "INV-1042"), ("reason", "genuine")])) { response in
                #expect(response.status == .seeOther)
            }
        }
        #expect(try f.commitCount() == before + 1)
    }

    @Test func aCustomerNamedLikeAScriptIsShownAsText() async throws {
        let f = try PortalFixture()
        var yaml = try f.sandbox.read("ledger/customers/delta-foods.yaml")
        yaml = yaml.replacingOccurrences(of: "name: Delta Foods Ltd", with: "name: \"<script>alert(1)</script>\"")
        try f.sandbox.write("ledger/customers/delta-foods.yaml", yaml)
        try f.sandbox.git(["commit", "-qam", "rename"], in: f.ledger)
        let link = f.link("delta-foods")
        try await f.test { client in
            let page = try await client.execute(uri: "/p/\(link)", method: .get)
            let html = String(buffer: page.body)
            #expect(page.status == .ok)
            #expect(html.contains("Your account: &lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!html.contains("<script"))
            let token = try #require(PortalFixture.formToken(in: html))
            try await client.execute(uri: "/p/\(link)/dispute", method: .post, headers: PortalFixture.formHeaders,
                body: PortalFixture.form([("token", token), ("invoice", "INV-1047"), ("reason", "<b>wrong</b>")])) { response in
                #expect(response.status == .seeOther)
            }
        }
        // git forbids < and > in an author's name: they are dropped there, kept in the file's text.
        #expect(try f.lastCommit().hasPrefix("scriptalert(1)/script <no-reply@northwind-studio.example>"))
    }

    @Test func largeFormsAndBurstsAreRefusedBeforeTheyCostAnything() async throws {
        let f = try PortalFixture()
        let acme = f.link("acme-gmbh"), delta = f.link("delta-foods")
        let before = try f.commitCount()
        try await f.test({ $0.requestsPerMinute = 3 }) { client in
            try await client.execute(uri: "/p/\(acme)/dispute", method: .post, headers: PortalFixture.formHeaders,
                body: PortalFixture.form([("invoice", "INV-1042"), ("reason", String(repeating: "x", count: 20_000))])) { response in
                #expect(response.status == .contentTooLarge)
                #expect(String(buffer: response.body) == PortalPage.tooLarge)
            }
            for _ in 0..<2 { #expect(try await client.execute(uri: "/p/\(acme)", method: .get).status == .ok) }
            try await client.execute(uri: "/p/\(acme)", method: .get) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter] == "20")
                #expect(String(buffer: response.body) == PortalPage.tooManyRequests)
            }
            #expect(try await client.execute(uri: "/p/\(delta)", method: .get).status == .ok, "another link has its own allowance")
        }
        #expect(try f.commitCount() == before)
    }

    @Test func aFailureShowsNoPathOrTraceAndTheLogHoldsNoSecret() async throws {
        let f = try PortalFixture()
        let link = f.link("acme-gmbh")
        let signature = String(link.split(separator: ".")[2])
        let formToken = try await f.test { client in
            let formToken = try await PortalFixture.formToken(client, link: link)
            try await client.execute(uri: "/p/\(link)/promise", method: .post, headers: PortalFixture.formHeaders,
                body: PortalFixture.form([("token", formToken), ("invoice", "all"), ("date", "2026-12-20")])) { #expect($0.status == .seeOther) }
            try await client.execute(uri: "/p/\(link)/promise", method: .post, headers: PortalFixture.formHeaders,
                body: PortalFixture.form([("token", "0.bad"), ("invoice", "all"), ("date", "2026-12-20")])) { #expect($0.status == .forbidden) }
            return formToken
        }
        let missing = f.sandbox.path("moved-away")
        try await f.test({ $0.ledgerPath = missing }) { client in
            try await client.execute(uri: "/p/\(link)", method: .get) { response in
                let body = String(buffer: response.body)
                #expect(response.status == .internalServerError)
                #expect(body == PortalPage.unavailable)
                #expect(!body.contains(f.sandbox.root.path) && !body.contains("moved-away") && !body.contains("Error"))
            }
        }
        let lines = f.log.all
        #expect(lines.contains { $0.contains("GET /p/acme-gmbh.1798621200.… 200") }, "\(lines)")
        #expect(lines.contains { $0.contains("recorded promise for INV-1030, INV-1042, INV-1093, INV-1101 by 2026-12-20") }, "\(lines)")
        #expect(lines.contains { $0.contains("request failed") }, "the failure is logged on the server")
        let keyText = f.key.withBytes { Data($0).base64EncodedString() }
        for line in lines {
            #expect(!line.contains(signature) && !line.contains(formToken) && !line.contains(keyText), "\(line)")
        }
    }

    @Test func aBareRepositoryTakesConcurrentActionsAsOneCommitEach() async throws {
        let f = try PortalFixture(bare: true)
        let customers = ["acme-gmbh", "delta-foods", "blue-harbour-design", "fjord-software"]
        let before = try f.commitCount()
        try await f.test { client in
            var tokens: [String: String] = [:]
            for c in customers {
                let page = try await client.execute(uri: "/p/\(f.link(c))", method: .get)
                #expect(page.status == .ok, "\(c)")
                tokens[c] = PortalFixture.formToken(in: String(buffer: page.body))
            }
            let forms = tokens
            try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for c in customers {
                    group.addTask {
                        try await client.execute(uri: "/p/\(f.link(c))/promise", method: .post, headers: PortalFixture.formHeaders,
                            body: PortalFixture.form([("token", forms[c] ?? ""), ("invoice", "all"), ("date", "2026-12-18")])).status
                    }
                }
                for try await status in group { #expect(status == .seeOther) }
            }
        }
        // A writer that finds the branch locked by another one backs off and tries again.
        #expect(f.log.all.filter { $0.hasPrefix("error") }.isEmpty, "\(f.log.all.filter { $0.hasPrefix("error") })")
        #expect(try f.commitCount() == before + customers.count)
        let authors = try f.sandbox.git(["--git-dir", f.ledger, "log", "-\(customers.count)", "--format=%an"]).stdout
        #expect(Set(authors.split(separator: "\n").map(String.init)) == ["Acme GmbH", "Delta Foods Ltd", "Blue Harbour Design", "Fjord Software AS"])
        #expect(try f.sandbox.git(["--git-dir", f.ledger, "fsck", "--no-progress"]).status == 0)
    }
}
