import DueTrailCore
import DueTrailLedger
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// The portal's routes: a customer's page, its two forms, and the stylesheet. Everything a
/// link can reach is decided by the link's signature first: a link that is not genuine and
/// current, or names no customer, gets the same 404 whatever the reason.
struct PortalRoutes: Sendable {
    let backend: PortalBackend
    var configuration: PortalConfiguration { backend.configuration }

    func add(to router: Router<BasicRequestContext>) {
        router.get("/portal.css") { _, _ in
            var response = Self.response(.ok, PortalPage.stylesheet, type: "text/css; charset=utf-8")
            response.headers[.cacheControl] = "public, max-age=86400"
            return response
        }
        router.get("/healthz") { _, _ in Self.response(.ok, "ok\n", type: "text/plain; charset=utf-8") }
        router.get("/p/:link") { request, context in try await page(request, context) }
        router.post("/p/:link/promise") { request, context in try await post(request, context, form: "promise") }
        router.post("/p/:link/dispute") { request, context in try await post(request, context, form: "dispute") }
    }

    /// GET: the customer's statement and forms.
    func page(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let link = context.parameters.get("link") ?? ""
        guard let customer = verify(link) else { return Self.notFound }
        if let wait = backend.throttle(link) { return Self.tooMany(wait) }
        guard let statement = try await backend.statement(customer: customer) else { return Self.notFound }
        var view = view(statement, link: link)
        view.notice = request.uri.queryParameters.get("done").flatMap(PortalView.Notice.init(rawValue:))
        return Self.response(.ok, PortalPage.statement(view))
    }

    /// POST: a promise or a dispute. A checked form becomes one commit authored by the
    /// customer, then the browser is sent back to the page (so a reload cannot post twice).
    func post(_ request: Request, _ context: BasicRequestContext, form: String) async throws -> Response {
        let link = context.parameters.get("link") ?? ""
        guard let customer = verify(link) else { return Self.notFound }
        if let wait = backend.throttle(link) { return Self.tooMany(wait) }
        // The customer first: a link for a customer the ledger no longer has is a 404 whatever
        // else is wrong with the request.
        guard let statement = try await backend.statement(customer: customer) else { return Self.notFound }
        if !Self.isSameSite(request, allowedOrigin: configuration.allowedOrigin) {
            context.logger.notice("form refused: posted from another site", metadata: ["customer": "\(customer)"])
            return Self.response(.forbidden, PortalPage.formExpired)
        }
        var request = request
        let body = try await request.collectBody(upTo: configuration.maxBodyBytes)
        let values = (try? URLEncodedFormDecoder().decode(PortalFormValues.self, from: String(buffer: body))) ?? PortalFormValues()
        guard let token = values.token, PortalFormToken.isValid(token, link: link, now: configuration.now, key: configuration.key) else {
            context.logger.notice("form refused: no valid form token", metadata: ["customer": "\(customer)"])
            return Self.response(.forbidden, PortalPage.formExpired)
        }
        let clock = configuration.clock(timezone: statement.config.timezone)
        let open = PortalForms.openCases(statement.cases)
        let actor = Self.actor(statement)
        let action: @Sendable (Ledger) throws -> Void
        let summary: String
        switch form {
        case "promise":
            switch PortalForms.promise(values, open: open, today: clock.today, horizon: statement.promiseHorizon, format: statement.config.amountFormat) {
            case .rejected(let errors): return invalid(statement, link: link, form: form, values: values, errors: errors)
            case .accepted(let p):
                summary = "promise for \(p.invoices.joined(separator: ", ")) by \(p.date.iso)"
                action = { ledger in _ = try ledger.promise(p.invoices, date: p.date, amount: p.amount, via: "portal", note: p.note, actor: actor) }
            }
        default:
            switch PortalForms.dispute(values, open: open) {
            case .rejected(let errors): return invalid(statement, link: link, form: form, values: values, errors: errors)
            case .accepted(let d):
                summary = "dispute of \(d.invoice)"
                action = { ledger in _ = try ledger.dispute([d.invoice], reason: d.reason, via: "portal", actor: actor) }
            }
        }
        do {
            try await backend.record(action, today: clock.today)
        } catch let error as LedgerError {
            guard let refusal = Self.refusal(for: error, form: form) else {
                // Not the customer's doing (uncommitted edits in a working clone, a repository
                // problem): nothing was recorded, and retrying will not help until someone looks.
                context.logger.error("\(form) not recorded: \(error)", metadata: ["customer": "\(customer)"])
                return Self.response(.internalServerError, PortalPage.unavailable)
            }
            // Checked a moment ago, refused now (a teammate, a second tab, another writer).
            // Nothing was written; the page shows how things stand now.
            context.logger.warning("\(form) not recorded: \(error)", metadata: ["customer": "\(customer)"])
            let fresh = try await backend.statement(customer: customer) ?? statement
            var response = invalid(fresh, link: link, form: form, values: values, errors: [refusal.error], status: refusal.status)
            if refusal.status == .serviceUnavailable { response.headers[.retryAfter] = "2" }
            return response
        }
        context.logger.info("recorded \(summary)", metadata: ["customer": "\(customer)"])
        var response = Response(status: .seeOther)
        response.headers[.location] = "/p/\(link)?done=\(form == "promise" ? "promised" : "disputed")"
        return response
    }

    /// False for a form another site made a browser post: `Sec-Fetch-Site` (sent by current
    /// browsers whatever the referrer policy) must say same-origin, and an `Origin`, when the
    /// portal's public address is known and the browser names one, must be it. (`Origin: null`
    /// is what browsers send under `Referrer-Policy: no-referrer`; the form token still has to
    /// match.)
    static func isSameSite(_ request: Request, allowedOrigin: String?) -> Bool {
        if let site = request.headers[fetchSite]?.lowercased(), site != "same-origin" && site != "none" { return false }
        if let allowedOrigin, let origin = request.headers[.origin]?.lowercased(), origin != "null", origin != allowedOrigin { return false }
        return true
    }

    static var fetchSite: HTTPField.Name { HTTPField.Name("Sec-Fetch-Site") ?? .origin }

    /// The customer a link names, when it is genuine and current.
    func verify(_ link: String) -> String? {
        try? PortalLink.verify(link, key: configuration.key, now: configuration.now)
    }

    func view(_ statement: PortalStatement, link: String) -> PortalView {
        let clock = configuration.clock(timezone: statement.config.timezone)
        return PortalView(
            company: statement.config.company, customerName: statement.customerName, customerSlug: statement.customerSlug, today: clock.today,
            cases: statement.cases, settings: statement.config.portalSettings, link: link,
            formToken: PortalFormToken.make(link: link, at: clock.instant, key: configuration.key), horizon: statement.promiseHorizon)
    }

    /// What the customer is told when the ledger refuses a form the portal had accepted, by
    /// the kind of refusal; nil for failures that are nobody's doing on the page (a 500).
    static func refusal(for error: LedgerError, form: String) -> (status: HTTPResponse.Status, error: PortalFieldError)? {
        let field = "\(form)-invoice"
        switch error {
        case .conflict:
            return (.conflict, PortalFieldError(field: field, message: "This could not be recorded because the invoice changed a moment ago. Please check the page and try again."))
        case .notFound:
            return (.notFound, PortalFieldError(field: field, message: "This invoice is no longer open on your statement. Please check the page."))
        case .badRequest:
            return (.badRequest, PortalFieldError(field: field, message: "This could not be recorded as entered. Please check the form and try again."))
        case .git(let failure, _) where failure.code == .locked:
            return (.serviceUnavailable, PortalFieldError(field: field, message: "We are busy recording other changes. Please try again in a moment."))
        case .lostRace:
            return (.serviceUnavailable, PortalFieldError(field: field, message: "We are busy recording other changes. Please try again in a moment."))
        case .notALedger, .invalid, .dirtyPaths, .cloneBehind, .git, .io, .internalFailure:
            return nil
        }
    }

    func invalid(
        _ statement: PortalStatement, link: String, form: String, values: PortalFormValues, errors: [PortalFieldError],
        status: HTTPResponse.Status = .unprocessableContent
    ) -> Response {
        var view = view(statement, link: link)
        view.errors = errors
        view.failedForm = form
        view.values = values
        return Self.response(status, PortalPage.statement(view))
    }

    /// The customer as a commit author: their name (without the characters git forbids in
    /// one) and the ledger's no-reply address; their commits say `Via: portal`.
    static func actor(_ statement: PortalStatement) -> ActionActor {
        var name = String(statement.customerName.filter { $0 != "<" && $0 != ">" && !$0.isNewline && $0 != "\0" })
            .trimmingCharacters(in: .whitespaces)
        if name.isEmpty { name = statement.customerSlug }
        let settings = statement.config.portalSettings
        return ActionActor(
            identity: Identity(name: name, email: settings.noReplyAddress(senderEmail: statement.config.senderEmail)),
            trailers: [Trailer(.via, "portal")], customer: statement.customerSlug)
    }

    static var notFound: Response { response(.notFound, PortalPage.notFound) }

    static func tooMany(_ wait: Int) -> Response {
        var response = response(.tooManyRequests, PortalPage.tooManyRequests)
        response.headers[.retryAfter] = String(wait)
        return response
    }

    static func response(_ status: HTTPResponse.Status, _ text: String, type: String = "text/html; charset=utf-8") -> Response {
        Response(status: status, headers: [.contentType: type], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
