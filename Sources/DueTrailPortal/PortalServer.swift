import DueTrailCore
import Foundation
import Hummingbird
import Logging

/// The customer portal as a Hummingbird application: built here so tests drive the same
/// router the `portal serve` command runs.
package enum PortalServer {
    /// The router with every route and middleware.
    package static func router(_ configuration: PortalConfiguration) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: AccessLogMiddleware())
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: PortalErrorMiddleware())
        PortalRoutes(backend: PortalBackend(configuration: configuration)).add(to: router)
        return router
    }

    /// The application listening on `host:port`; `onListening` learns the bound port (0
    /// picks a free one).
    package static func application(
        _ configuration: PortalConfiguration, host: String, port: Int, logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: router(configuration),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            logger: logger)
    }
}
