import Foundation
import HummingbirdCore
import Logging
import NIOCore

/// Open connections, in all and per remote address, shared by every connection of one
/// server. Without a cap, one client holding sockets open (idle, or sending its headers a
/// byte at a time) used up the server's file descriptors and it stopped answering anyone.
final class ConnectionCounter: @unchecked Sendable {
    let perAddress: Int
    let total: Int
    private let lock = NSLock()
    private var open = 0
    private var byAddress: [String: Int] = [:]

    init(perAddress: Int, total: Int) {
        self.perAddress = perAddress
        self.total = total
    }

    /// Counts a new connection from `address`, or says no when it would go over a cap.
    func admit(_ address: String) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        let mine = byAddress[address, default: 0]
        guard open < total, mine < perAddress else { return false }
        open += 1
        byAddress[address] = mine + 1
        return true
    }

    func release(_ address: String) {
        lock.lock()
        defer { lock.unlock() }
        open -= 1
        let left = byAddress[address, default: 1] - 1
        byAddress[address] = left > 0 ? left : nil
    }

    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return open
    }
}

/// First in a connection's pipeline: counts it, and closes it at once (after a `503`) when
/// its address, or the server, already has as many as allowed.
final class ConnectionLimitHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let counter: ConnectionCounter
    private var admitted: String?
    private var decided = false
    private var refused = false

    init(counter: ConnectionCounter) { self.counter = counter }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { decide(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        decide(context)
        context.fireChannelActive()
    }

    private func decide(_ context: ChannelHandlerContext) {
        guard !decided else { return }
        decided = true
        let address = context.channel.remoteAddress?.ipAddress ?? "unknown"
        if counter.admit(address) {
            admitted = address
            return
        }
        refused = true
        let text = "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 34\r\nRetry-After: 10\r\n\r\nToo many connections; try again.\r\n"
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: text))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refused else { return }  // a refused connection's request is never read
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        releaseIfAdmitted()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { releaseIfAdmitted() }

    private func releaseIfAdmitted() {
        if let admitted { counter.release(admitted) }
        admitted = nil
    }
}

/// Closes a connection whose first request's headers have not all arrived in `timeout`: a
/// client that sends them a byte at a time holds a connection (and a file descriptor)
/// without ever asking anything. Later requests on a kept-alive connection fall under the
/// idle timeout, which Hummingbird applies from the last complete request.
final class HeaderTimeoutHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let timeout: TimeAmount
    private var deadline: Scheduled<Void>?
    private var done = false
    /// The last bytes seen, to find `\r\n\r\n` split across reads.
    private var tail: [UInt8] = []

    init(timeout: TimeAmount) { self.timeout = timeout }

    func handlerAdded(context: ChannelHandlerContext) {
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [weak self] in
            guard let self, !self.done else { return }
            context.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) { cancel() }

    func channelInactive(context: ChannelHandlerContext) {
        cancel()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if !done {
            let buffer = unwrapInboundIn(data)
            let bytes = tail + buffer.readableBytesView
            if Self.endsHeaders(bytes) {
                done = true
                cancel()
                tail = []
            } else {
                tail = Array(bytes.suffix(3))
            }
        }
        context.fireChannelRead(data)
    }

    private func cancel() {
        deadline?.cancel()
        deadline = nil
    }

    /// Whether `bytes` hold the blank line that ends a request's headers.
    static func endsHeaders(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 2 else { return false }
        for i in 1..<bytes.count where bytes[i] == 10 {
            if bytes[i - 1] == 10 { return true }  // "\n\n"
            if bytes[i - 1] == 13, i >= 2, bytes[i - 2] == 10 { return true }  // "\r\n\r\n"
        }
        return false
    }
}

/// Hummingbird's HTTP/1 connection with the two handlers above in front of its HTTP decoder.
struct GuardedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let http: HTTP1Channel
    let counter: ConnectionCounter
    let headerTimeout: TimeAmount

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        do {
            try channel.pipeline.syncOperations.addHandler(ConnectionLimitHandler(counter: counter))
            try channel.pipeline.syncOperations.addHandler(HeaderTimeoutHandler(timeout: headerTimeout))
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return http.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await http.handle(value: value, logger: logger)
    }
}
