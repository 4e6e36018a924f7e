/// Where approved reminders go: an SMTP server, a sendmail command or a Maildir folder.
/// `send` talks to every kind the same way: open once, deliver one message at a time (one
/// connection serves a whole batch), close.
package protocol MailTransport: AnyObject {
    /// Shown in `send`'s output and recorded with each message (`smtp mail.example.com:587`).
    var description: String { get }
    /// What the receiving side accepts; for SMTP known once `open` has read the greeting.
    var capabilities: OutgoingMessage.Capabilities { get }
    func open() throws(DeliveryError)
    /// Hands `message` over and returns the receiving side's answer, as recorded in the
    /// ledger (`250 2.0.0 Ok: queued as 4F1A2`).
    func deliver(_ message: OutgoingMessage) throws(DeliveryError) -> DeliveryReceipt
    func close()
}

/// What the receiving side said when it took a message.
package struct DeliveryReceipt: Sendable, Equatable {
    /// Its answer, one line (`250 2.0.0 Ok: queued as 4F1A2`).
    package var answer: String
    /// Recipients the server refused while taking the message for the others, with its
    /// answer for each (`550 5.1.1 <old@x.example>: mailbox unknown`).
    package var refused: [(recipient: String, answer: String)]

    package init(answer: String, refused: [(recipient: String, answer: String)] = []) {
        self.answer = answer
        self.refused = refused
    }

    package static func == (a: DeliveryReceipt, b: DeliveryReceipt) -> Bool {
        a.answer == b.answer && a.refused.map(\.recipient) == b.refused.map(\.recipient) && a.refused.map(\.answer) == b.refused.map(\.answer)
    }
}

/// Why a message did not go, and whether it might have anyway. The difference decides what
/// `send` does next: a message that certainly did not go stays approved for the next run; one
/// that may have gone waits for a person, because sending it again could send it twice.
package enum DeliveryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Certainly not delivered (refused, or the connection failed before the end of data).
    case refused(String)
    /// Could not even start (connect, TLS, authentication): nothing in this batch can go.
    case unavailable(String)
    /// The message may have been delivered (the connection was lost after the end of data).
    case uncertain(String)

    package var description: String {
        switch self {
        case .refused(let why), .unavailable(let why), .uncertain(let why): return why
        }
    }
}
