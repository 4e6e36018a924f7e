import DueTrailCore
import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Sends through an SMTP server (RFC 5321) on SwiftNIO: EHLO, STARTTLS or TLS from the first
/// byte, AUTH PLAIN or LOGIN, the envelope pipelined when the server offers PIPELINING,
/// `BODY=8BITMIME` / `SMTPUTF8` when offered, one connection for a whole batch.
///
/// Every step has a timeout. Whether a failed message may have gone is decided exactly: a
/// connection lost before the end-of-data line was written means it did not; lost after
/// that, before the server answered, means nobody knows (`DeliveryError.uncertain`).
/// The password is never printed: the transcript shows `AUTH PLAIN ****`.
package final class SMTPTransport: MailTransport {
    package let settings: TransportSettings.SMTPSettings
    let username: String?
    let password: String?
    let heloName: String
    /// Receives each line sent (`C: …`) and received (`S: …`), secrets masked; for `--verbose`.
    let transcript: ((String) -> Void)?

    private var group: MultiThreadedEventLoopGroup?
    private var channel: Channel?
    private var sslContext: NIOSSLContext?
    private var extensions: [String: String] = [:]

    package var description: String { "smtp \(settings.host):\(settings.port) (\(settings.security.rawValue))" }

    package var capabilities: OutgoingMessage.Capabilities {
        OutgoingMessage.Capabilities(eightBitMIME: extensions["8BITMIME"] != nil, smtpUTF8: extensions["SMTPUTF8"] != nil)
    }

    /// - Parameters:
    ///   - password: from `SMTPPassword.find`, only when `settings.username` is set.
    ///   - heloName: the name given in EHLO (the sender's domain unless configured).
    package init(settings: TransportSettings.SMTPSettings, password: String?, heloName: String, transcript: ((String) -> Void)? = nil) {
        self.settings = settings
        self.username = settings.username
        self.password = password
        self.heloName = settings.heloName ?? heloName
        self.transcript = transcript
    }

    deinit { shutdown() }

    private var timeout: TimeAmount { .seconds(Int64(settings.timeoutSeconds)) }
    private var whereTo: String { "\(settings.host):\(settings.port)" }

    // MARK: Connection

    package func open() throws(DeliveryError) {
        guard channel == nil else { return }
        if settings.security != .none {
            var tls = TLSConfiguration.makeClientConfiguration()
            if let ca = settings.caFile { tls.trustRoots = .file(Self.expandingTilde(ca)) }
            do {
                sslContext = try NIOSSLContext(configuration: tls)
            } catch {
                throw .unavailable("cannot set up TLS for \(whereTo): \(error)")
            }
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.group = group
        let loop = group.next()
        let greeting = loop.makePromise(of: SMTPReply.self)
        let implicitTLS = settings.security == .tls ? sslContext : nil
        let host = settings.host, timeout = self.timeout
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(timeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let implicitTLS {
                        try pipeline.addHandler(NIOSSLClientHandler(context: implicitTLS, serverHostname: Self.sniName(host)))
                    }
                    try pipeline.addHandler(IdleStateHandler(readTimeout: timeout))
                    try pipeline.addHandler(ByteToMessageHandler(SMTPReplyDecoder()))
                    try pipeline.addHandler(SMTPClientHandler(greeting: greeting))
                }
            }
        do {
            channel = try bootstrap.connect(host: settings.host, port: settings.port).wait()
        } catch {
            greeting.fail(SMTPConnectionFailure.closed)
            shutdown()
            throw .unavailable("cannot connect to \(whereTo): \(Self.describe(error))")
        }
        do {
            let hello = try reply(greeting.futureResult, expecting: 220, doing: "the greeting")
            transcript?("S: \(hello.text)")
            try ehlo()
            if settings.security == .starttls {
                guard extensions["STARTTLS"] != nil else {
                    throw DeliveryError.unavailable("\(whereTo) does not offer STARTTLS; refusing to send in clear text (set `security: tls` if it speaks TLS on this port)")
                }
                _ = try command("STARTTLS", expecting: 220)
                try startTLS()
                try ehlo()
            }
            if let username {
                try authenticate(username)
            }
        } catch let error as DeliveryError {
            shutdown()
            throw error
        } catch {
            shutdown()
            throw .unavailable("\(whereTo): \(Self.describe(error))")
        }
    }

    package func close() {
        if let channel, channel.isActive {
            transcript?("C: QUIT")
            _ = try? send("QUIT").wait()
        }
        shutdown()
    }

    private func shutdown() {
        if let channel { _ = try? channel.close().wait() }
        channel = nil
        if let group { try? group.syncShutdownGracefully() }
        group = nil
    }

    private func ehlo() throws {
        let reply = try command("EHLO \(heloName)", expecting: 250)
        extensions = [:]
        for line in reply.lines.dropFirst() {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard let keyword = parts.first else { continue }
            extensions[keyword.uppercased()] = parts.count > 1 ? String(parts[1]) : ""
        }
    }

    private func startTLS() throws {
        guard let channel, let sslContext else { throw DeliveryError.unavailable("internal: no TLS context") }
        let host = settings.host
        try channel.eventLoop.submit {
            try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: sslContext, serverHostname: Self.sniName(host)), position: .first)
        }.wait()
    }

    private func authenticate(_ username: String) throws {
        guard let password else {
            throw DeliveryError.unavailable("no SMTP password for \(username): set DUETRAIL_SMTP_PASSWORD, `password_file:`, or store one with `git credential approve`")
        }
        let offered = Set((extensions["AUTH"] ?? "").uppercased().split(separator: " ").map(String.init))
        let whereTo = self.whereTo
        let failure = { (reply: SMTPReply) in DeliveryError.unavailable("\(whereTo) refused the login for \(username): \(reply.text)") }
        if offered.contains("PLAIN") {
            let token = Data(([0] + Array(username.utf8) + [0] + Array(password.utf8))).base64EncodedString()
            let reply = try command("AUTH PLAIN \(token)", shown: "AUTH PLAIN ****")
            guard reply.code == 235 else { throw failure(reply) }
        } else if offered.contains("LOGIN") {
            var reply = try command("AUTH LOGIN")
            guard reply.code == 334 else { throw failure(reply) }
            reply = try command(Data(username.utf8).base64EncodedString(), shown: "****")
            guard reply.code == 334 else { throw failure(reply) }
            reply = try command(Data(password.utf8).base64EncodedString(), shown: "****")
            guard reply.code == 235 else { throw failure(reply) }
        } else {
            throw DeliveryError.unavailable("\(whereTo) offers no AUTH PLAIN or LOGIN (it offers: \(offered.sorted().joined(separator: " ")))")
        }
    }

    // MARK: Messages

    package func deliver(_ message: OutgoingMessage) throws(DeliveryError) -> DeliveryReceipt {
        if channel?.isActive != true {
            shutdown()
            try open()
        }
        if message.needsSMTPUTF8 && extensions["SMTPUTF8"] == nil {
            throw .refused("an address is not ASCII and \(whereTo) does not offer SMTPUTF8")
        }
        var parameters = ""
        if message.eightBit && extensions["8BITMIME"] != nil { parameters += " BODY=8BITMIME" }
        if message.needsSMTPUTF8 { parameters += " SMTPUTF8" }
        if extensions["SIZE"] != nil { parameters += " SIZE=\(message.text.utf8.count + message.text.utf8.count / 30)" }
        let envelope = ["MAIL FROM:<\(message.sender)>\(parameters)"] + message.recipients.map { "RCPT TO:<\($0)>" }
        do {
            var replies: [SMTPReply] = []
            if extensions["PIPELINING"] != nil {
                // Written together and flushed once: one packet for the whole envelope.
                let pending = (envelope + ["DATA"]).map { line in
                    transcript?("C: \(line)")
                    return send(line, flush: false)
                }
                channel?.flush()
                for future in pending { replies.append(try wait(future)) }
                for reply in replies { transcript?("S: \(reply.text)") }
            } else {
                for line in envelope {
                    let reply = try command(line)
                    replies.append(reply)
                    if line.hasPrefix("MAIL"), !reply.isPositive { break }
                }
                let accepted = replies.count > 1 && replies.dropFirst().contains { $0.isPositive }
                if replies[0].isPositive && accepted { replies.append(try command("DATA")) }
            }
            let mail = replies[0]
            let recipientReplies = Array(replies.dropFirst().prefix(message.recipients.count))
            let refused = zip(message.recipients, recipientReplies).filter { !$0.1.isPositive }.map { (recipient: $0.0, answer: $0.1.text) }
            let dataReply = replies.count == envelope.count + 1 ? replies.last : nil
            guard mail.isPositive else {
                try abort(dataReply)
                throw DeliveryError.refused("the server refused the sender <\(message.sender)>: \(mail.text)")
            }
            guard refused.count < message.recipients.count else {
                try abort(dataReply)
                throw DeliveryError.refused("the server refused every recipient: " + refused.map { "<\($0.recipient)> \($0.answer)" }.joined(separator: "; "))
            }
            guard let dataReply, dataReply.code == 354 else {
                try abort(dataReply)
                throw DeliveryError.refused("the server refused DATA: \(dataReply?.text ?? "no answer")")
            }
            return DeliveryReceipt(answer: try transmit(message), refused: refused)
        } catch let error as DeliveryError {
            throw error
        } catch {
            // Lost before the message's content was sent: certainly not delivered.
            shutdown()
            throw .refused("\(whereTo): \(Self.describe(error)) (before the message was sent)")
        }
    }

    /// Sends the content and its end-of-data line; the only step after which a lost
    /// connection leaves the outcome unknown.
    private func transmit(_ message: OutgoingMessage) throws(DeliveryError) -> String {
        guard let channel, let loop = group?.next() else { throw .refused("internal: no connection") }
        let promise = loop.makePromise(of: SMTPReply.self)
        transcript?("C: (message, \(message.text.utf8.count) bytes)")
        let written = channel.writeAndFlush(SMTPRequest(bytes: .smtpData(message.text), reply: promise))
        let reply: SMTPReply
        do {
            reply = try promise.futureResult.wait()
        } catch {
            let sent = (try? written.wait()) != nil
            shutdown()
            if sent {
                throw .uncertain("\(whereTo): \(Self.describe(error)) after the whole message was sent; it may have been delivered")
            }
            throw .refused("\(whereTo): \(Self.describe(error)) while the message was being sent (before its end): not delivered")
        }
        transcript?("S: \(reply.text)")
        guard reply.code == 250 else { throw .refused("the server refused the message: \(reply.text)") }
        return reply.text
    }

    /// Ends a transaction that will not deliver. After a 354 the only safe way out is to
    /// drop the connection: any content sent now would be delivered.
    private func abort(_ dataReply: SMTPReply?) throws {
        if dataReply?.code == 354 {
            shutdown()
            return
        }
        _ = try? command("RSET")
    }

    // MARK: Commands

    private func send(_ line: String, flush: Bool = true) -> EventLoopFuture<SMTPReply> {
        guard let channel, let loop = group?.next() else {
            return MultiThreadedEventLoopGroup.singleton.next().makeFailedFuture(SMTPConnectionFailure.closed)
        }
        let promise = loop.makePromise(of: SMTPReply.self)
        var bytes = ByteBuffer()
        bytes.writeString(line + "\r\n")
        if flush {
            channel.writeAndFlush(SMTPRequest(bytes: bytes, reply: promise), promise: nil)
        } else {
            channel.write(SMTPRequest(bytes: bytes, reply: promise), promise: nil)
        }
        return promise.futureResult
    }

    private func wait(_ future: EventLoopFuture<SMTPReply>) throws -> SMTPReply { try future.wait() }

    @discardableResult
    private func command(_ line: String, shown: String? = nil, expecting code: Int? = nil) throws -> SMTPReply {
        transcript?("C: \(shown ?? line)")
        let reply = try wait(send(line))
        transcript?("S: \(reply.text)")
        if let code, reply.code != code {
            throw DeliveryError.unavailable("\(whereTo) answered `\(shown ?? line)` with \(reply.text)")
        }
        return reply
    }

    private func reply(_ future: EventLoopFuture<SMTPReply>, expecting code: Int, doing what: String) throws -> SMTPReply {
        let reply = try wait(future)
        guard reply.code == code else { throw DeliveryError.unavailable("\(whereTo) answered \(what) with \(reply.text)") }
        return reply
    }

    static func sniName(_ host: String) -> String? {
        // SNI takes names, not addresses.
        host.contains(":") || host.allSatisfy({ $0.isNumber || $0 == "." }) ? nil : host
    }

    static func expandingTilde(_ path: String) -> String {
        path.hasPrefix("~/") ? (ProcessInfo.processInfo.environment["HOME"] ?? "") + path.dropFirst(1) : path
    }

    static func describe(_ error: Error) -> String {
        if let failure = error as? SMTPConnectionFailure { return failure.description }
        if let delivery = error as? DeliveryError { return delivery.description }
        if let ssl = error as? NIOSSLError { return "TLS failed: \(ssl)" }
        if let io = error as? IOError { return io.description }
        return String(describing: error)
    }
}
