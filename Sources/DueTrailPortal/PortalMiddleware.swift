import DueTrailCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Headers on every answer: no scripts, no framing, no referrer leaking a link to a payment
/// provider, nothing cached that holds a customer's figures.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    // Names swift-http-types does not define; each literal is a valid field name.
    static var referrerPolicy: HTTPField.Name { HTTPField.Name("Referrer-Policy") ?? .cacheControl }
    static var frameOptions: HTTPField.Name { HTTPField.Name("X-Frame-Options") ?? .cacheControl }
    static var openerPolicy: HTTPField.Name { HTTPField.Name("Cross-Origin-Opener-Policy") ?? .cacheControl }

    static var contentSecurityPolicy: String {
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        response.headers[Self.referrerPolicy] = "no-referrer"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[Self.frameOptions] = "DENY"
        response.headers[Self.openerPolicy] = "same-origin"
        return response
    }
}

/// Every failure becomes one of the portal's own plain pages: no stack trace, no path, no
/// framework text. What went wrong is logged on the server instead.
struct PortalErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError {
            switch error.status {
            case .contentTooLarge: return PortalRoutes.response(.contentTooLarge, PortalPage.tooLarge)
            case .notFound, .methodNotAllowed: return PortalRoutes.notFound
            default:
                if error.status.code < 500 { return PortalRoutes.response(.badRequest, PortalPage.notFound) }
                context.logger.error("request failed: \(error.status.code)")
                return PortalRoutes.response(.internalServerError, PortalPage.unavailable)
            }
        } catch {
            context.logger.error("request failed: \(error)")
            return PortalRoutes.response(.internalServerError, PortalPage.unavailable)
        }
    }
}

/// One log line a request: method, path with the link's signature cut out, status, time.
/// Links are secrets (anyone holding one sees the customer's account), so none is logged.
struct AccessLogMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        let ms = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        context.logger.info(
            "\(request.method) \(Self.redacted(request.uri.path)) \(response.status.code) \(String(format: "%.1f", ms)) ms")
        return response
    }

    /// `/p/acme-gmbh.1798621200.<signature>/promise` → `/p/acme-gmbh.1798621200.…/promise`.
    static func redacted(_ path: String) -> String {
        guard path.hasPrefix("/p/") else { return path.count > 100 ? String(path.prefix(100)) + "…" : path }
        var parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count > 2 else { return path }
        let fields = parts[2].split(separator: ".", omittingEmptySubsequences: false)
        parts[2] = fields.count == 3 ? "\(fields[0].prefix(60)).\(fields[1].prefix(12)).…" : "…"
        return parts.prefix(4).joined(separator: "/")
    }
}
