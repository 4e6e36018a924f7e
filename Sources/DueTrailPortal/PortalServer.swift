import DueTrailCore
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

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
    /// picks a free one). Idle and slow connections are closed and connections are capped
    /// per address and in all (`ConnectionLimits.swift`), as the configuration says.
    package static func application(
        _ configuration: PortalConfiguration, host: String, port: Int, logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let counter = ConnectionCounter(perAddress: configuration.maxConnectionsPerAddress, total: configuration.maxConnections)
        let idle = TimeAmount(configuration.idleTimeout), headers = TimeAmount(configuration.headerTimeout)
        return Application(
            router: router(configuration),
            server: HTTPServerBuilder { responder in
                GuardedHTTP1Channel(
                    http: HTTP1Channel(responder: responder, configuration: .init(idleTimeout: idle)),
                    counter: counter, headerTimeout: headers)
            },
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            logger: logger)
    }
}
