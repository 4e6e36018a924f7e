import NIOCore

/// One SMTP reply: a three-digit code and its text lines (a multi-line `250-…` reply is one).
struct SMTPReply: Sendable {
    let code: Int
    let lines: [String]

    /// `250 2.0.0 Ok: queued as 4F1A2` (lines of a multi-line reply joined with ` / `).
    var text: String { "\(code) " + lines.joined(separator: " / ") }
    var isPositive: Bool { code >= 200 && code < 400 }
}

/// A command on its way to the server, with the promise its reply completes (nil: none
/// expected, which never happens in SMTP but keeps the type honest).
struct SMTPRequest: Sendable {
    let bytes: ByteBuffer
    let reply: EventLoopPromise<SMTPReply>?
}

/// Why a pending reply never came.
enum SMTPConnectionFailure: Error, CustomStringConvertible {
    case closed
    case timedOut
    case failed(String)

    var description: String {
        switch self {
        case .closed: return "the server closed the connection"
        case .timedOut: return "the server did not answer in time"
        case .failed(let why): return why
        }
    }
}

/// Frames the byte stream into replies (RFC 5321 §4.2): lines end in CRLF; `250-` continues
/// a reply, `250 ` ends it.
struct SMTPReplyDecoder: ByteToMessageDecoder {
    typealias InboundOut = SMTPReply
    private var lines: [String] = []
    static let maximumLine = 64 * 1024

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        guard let newline = view.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > Self.maximumLine { throw SMTPConnectionFailure.failed("the server sent a line longer than 64 KiB") }
            return .needMoreData
        }
        let length = newline - view.startIndex + 1
        guard var utf8 = buffer.readBytes(length: length) else { return .needMoreData }
        while let last = utf8.last, last == 10 || last == 13 { utf8.removeLast() }
        let line = String(decoding: utf8, as: UTF8.self)
        guard utf8.count >= 3, let code = Int(String(decoding: utf8[0..<3], as: UTF8.self)), (200...599).contains(code) else {
            throw SMTPConnectionFailure.failed("the server sent something that is not an SMTP reply: \(line.prefix(80))")
        }
        let continues = utf8.count > 3 && utf8[3] == UInt8(ascii: "-")
        lines.append(utf8.count > 4 ? String(decoding: utf8[4...], as: UTF8.self) : "")
        if !continues {
            context.fireChannelRead(wrapInboundOut(SMTPReply(code: code, lines: lines)))
            lines = []
        }
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}

/// Matches replies to requests in order (which is what makes PIPELINING work: several
/// commands written at once, their replies completing their promises one by one), and fails
/// every waiting request when the connection ends, errs or stays silent past the timeout.
final class SMTPClientHandler: ChannelDuplexHandler {
    typealias InboundIn = SMTPReply
    typealias OutboundIn = SMTPRequest
    typealias OutboundOut = ByteBuffer

    private var waiting = CircularBuffer<EventLoopPromise<SMTPReply>>()

    init(greeting: EventLoopPromise<SMTPReply>) {
        waiting.append(greeting)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        if let reply = request.reply { waiting.append(reply) }
        context.write(wrapOutboundOut(request.bytes), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let reply = unwrapInboundIn(data)
        // A reply nobody asked for (a 421 before closing): the close that follows fails the rest.
        guard !waiting.isEmpty else { return }
        waiting.removeFirst().succeed(reply)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read, !waiting.isEmpty {
            failAll(.timedOut)
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        failAll(.failed(String(describing: error)))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(.closed)
        context.fireChannelInactive()
    }

    private func failAll(_ failure: SMTPConnectionFailure) {
        while let promise = waiting.popFirst() { promise.fail(failure) }
    }
}

extension ByteBuffer {
    /// The message as DATA content: CRLF line endings, a leading dot doubled (RFC 5321
    /// §4.5.2), and the `.` line that ends it.
    static func smtpData(_ text: String) -> ByteBuffer {
        var out = ByteBuffer()
        out.reserveCapacity(text.utf8.count + text.utf8.count / 40 + 8)
        var lines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        for line in lines {
            var content = line[...]
            if content.last == UInt8(ascii: "\r") { content = content.dropLast() }
            if content.first == UInt8(ascii: ".") { out.writeInteger(UInt8(ascii: ".")) }
            out.writeBytes(content)
            out.writeStaticString("\r\n")
        }
        out.writeStaticString(".\r\n")
        return out
    }
}
