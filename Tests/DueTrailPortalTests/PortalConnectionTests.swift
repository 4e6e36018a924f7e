import DueTrailCore
import DueTrailPortal
import Foundation
import Hummingbird
import Logging
import Testing
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// The portal on a real loopback socket with short limits: connections over the per-address
/// cap are refused at once, idle ones and slow-header ones are closed after their timeout,
/// and a normal request from another address is answered while they are open.
@Suite(.serialized) struct PortalConnectionTests {
    /// Runs the portal with `change`d limits on a free port for `body`.
    func withPortal(_ change: @escaping (inout PortalConfiguration) -> Void, _ body: (Int) async throws -> Void) async throws {
        let fixture = try PortalFixture()
        let ports = AsyncStream<Int>.makeStream()
        let app = PortalServer.application(fixture.configuration(change), host: "127.0.0.1", port: 0, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }) { port in
            ports.continuation.yield(port)
        }
        let server = Task { try await app.runService(gracefulShutdownSignals: []) }
        defer { server.cancel() }
        var iterator = ports.stream.makeAsyncIterator()
        guard let port = await iterator.next() else { throw FixtureError("the portal did not start") }
        try await body(port)
    }

    @Test func excessAndIdleConnectionsAreClosedWhileARequestIsServed() async throws {
        try await withPortal({ c in
            c.maxConnectionsPerAddress = 32
            c.idleTimeout = .seconds(2)
            c.headerTimeout = .seconds(1)
        }) { port in
            let rssBefore = Socket.residentBytes()
            let idle = try (0..<200).map { _ in try Socket(port: port, from: "127.0.0.1") }
            defer { idle.forEach { $0.close() } }
            // Over the cap: closed at once (with a 503).
            let refused = await Socket.waitUntil(seconds: 1.5) { idle.filter(\.isClosed).count >= 168 }
            #expect(refused, "\(idle.filter(\.isClosed).count) of 200 closed")
            let closedSoon = idle.filter { $0.isClosed }.count
            #expect(closedSoon >= 168, "the 32 admitted may already be closing; the excess are")
            // Another address is served meanwhile.
            #expect(try Socket.get("/healthz", port: port, from: "127.0.0.2").hasPrefix("HTTP/1.1 200"))
            // The 32 admitted ones (which sent no request) are closed by the header timeout.
            let allClosed = await Socket.waitUntil(seconds: 4) { idle.allSatisfy(\.isClosed) }
            #expect(allClosed, "\(idle.filter { !$0.isClosed }.count) idle connections still open")
            // And the address may connect again.
            #expect(try Socket.get("/healthz", port: port, from: "127.0.0.1").hasPrefix("HTTP/1.1 200"))
            let grown = Socket.residentBytes() - rssBefore
            #expect(grown < 64 << 20, "resident memory grew \(grown >> 20) MiB")
        }
    }

    @Test func slowHeadersAreClosedAfterTheHeaderTimeout() async throws {
        try await withPortal({ c in
            c.idleTimeout = .seconds(30)
            c.headerTimeout = .seconds(1)
        }) { port in
            let slow = try (0..<20).map { _ in try Socket(port: port, from: "127.0.0.3") }
            defer { slow.forEach { $0.close() } }
            let started = Date()
            // A byte of the headers every 100 ms, never the blank line that ends them.
            let request = Array("GET /healthz HTTP/1.1\r\nHost: portal\r\nX-Slow: ".utf8) + Array(repeating: UInt8(ascii: "a"), count: 100)
            var sent = 0
            while Date().timeIntervalSince(started) < 3, !slow.allSatisfy(\.isClosed), sent < request.count {
                for s in slow where !s.isClosed { s.send([request[sent]]) }
                sent += 1
                try await Task.sleep(for: .milliseconds(100))
            }
            let elapsed = Date().timeIntervalSince(started)
            let stillOpen = slow.filter { !$0.isClosed }.count
            #expect(stillOpen == 0, "\(stillOpen) slow connections still open after \(elapsed) s")
            #expect(elapsed < 5, "closed after \(elapsed) s")
            #expect(try Socket.get("/healthz", port: port, from: "127.0.0.3").hasPrefix("HTTP/1.1 200"))
        }
    }

    @Test func theServerCapsConnectionsInAll() async throws {
        try await withPortal({ c in
            c.maxConnectionsPerAddress = 32
            c.maxConnections = 40
            c.idleTimeout = .seconds(1)
        }) { port in
            let a = try (0..<30).map { _ in try Socket(port: port, from: "127.0.0.4") }
            let b = try (0..<30).map { _ in try Socket(port: port, from: "127.0.0.5") }
            defer { (a + b).forEach { $0.close() } }
            let capped = await Socket.waitUntil(seconds: 1) { (a + b).filter(\.isClosed).count >= 20 }
            #expect(capped, "\((a + b).filter(\.isClosed).count) of 60 closed")
            // Once the idle ones are closed, there is room again.
            _ = await Socket.waitUntil(seconds: 3) { (a + b).allSatisfy(\.isClosed) }
            #expect(try Socket.get("/healthz", port: port, from: "127.0.0.6").hasPrefix("HTTP/1.1 200"))
        }
    }
}

/// A blocking TCP client socket on loopback, bound to a chosen source address.
final class Socket: @unchecked Sendable {
    let fd: Int32
    private var closedSeen = false

    init(port: Int, from source: String) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw FixtureError("socket: \(String(cString: strerror(errno)))") }
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, source, &local.sin_addr)
        var remote = sockaddr_in()
        remote.sin_family = sa_family_t(AF_INET)
        remote.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr)
        let bound = withUnsafePointer(to: &local) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        let connected = withUnsafePointer(to: &remote) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0, connected == 0 else {
            let why = String(cString: strerror(errno))
            Glibc.close(fd)
            throw FixtureError("connect from \(source): \(why)")
        }
    }

    func send(_ bytes: [UInt8]) { _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } }

    /// Whether the server closed it: the end of the stream (after any 503 it sent) or a reset.
    var isClosed: Bool {
        if closedSeen { return true }
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if n > 0 { continue }
            if n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) { closedSeen = true }
            return closedSeen
        }
    }

    func close() { Glibc.close(fd) }

    /// One `GET path` from `source`, answered in full (the server closes after it).
    static func get(_ path: String, port: Int, from source: String) throws -> String {
        let s = try Socket(port: port, from: source)
        defer { s.close() }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(s.fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        s.send(Array("GET \(path) HTTP/1.1\r\nHost: portal\r\nConnection: close\r\n\r\n".utf8))
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(s.fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            out += buffer[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Polls `condition` every 50 ms for up to `seconds`.
    static func waitUntil(seconds: Double, _ condition: () -> Bool) async -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return condition()
    }

    /// This process's resident memory.
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
    }
}
