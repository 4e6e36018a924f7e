/// Out-of-office and other automatic answers that carry none of the standard headers, by
/// their subject and first lines, in the languages customers write in (English, German,
/// French, Spanish, Italian, Dutch, Portuguese, Polish, the Nordic and Baltic languages…).
enum AutoReplyText {
    /// Subject words (anywhere: "RE: Automatische Antwort: INV-1042").
    static let subjects = [
        "out of office", "out of the office", "automatic reply", "auto-reply", "auto reply", "autoreply", "auto response", "autoresponse",
        "vacation", "on leave", "away from the office",
        "automatische antwort", "abwesenheitsnotiz", "abwesenheit", "nicht im büro", "außer haus",
        "réponse automatique", "absence du bureau", "absent du bureau", "message d'absence",
        "respuesta automática", "respuesta automatica", "fuera de la oficina", "ausente",
        "risposta automatica", "fuori sede", "fuori ufficio", "assente",
        "automatisch antwoord", "afwezig", "niet aanwezig", "afwezigheidsmelding",
        "resposta automática", "resposta automatica", "fora do escritório", "ausência",
        "odpowiedź automatyczna", "automatyczna odpowiedź", "poza biurem", "nieobecność",
        "automatiskt svar", "frånvaro", "autosvar", "automatisk svar", "automatisk besked", "fravær", "fraværende",
        "automaattinen vastaus", "poissa toimistolta", "lomalla",
        "automātiskā atbilde", "automatinis atsakymas", "automaatne vastus", "automaatvastus",
        "automatická odpověď", "automatikus válasz", "αυτόματη απάντηση", "автоматический ответ", "自動応答", "自动回复",
    ]

    /// First-line phrases ("I am out of the office until…").
    static let openings = [
        "i am out of the office", "i am out of office", "i'm out of the office", "i'm out of office", "i am currently out of",
        "i am away", "i'm away", "i will be out of the office", "thank you for your email. i am", "this is an automatic reply",
        "this is an automated response", "ich bin bis", "ich bin derzeit nicht", "ich bin zurzeit nicht", "vielen dank für ihre nachricht. ich bin",
        "je suis absent", "je suis absente", "je serai absent", "estoy fuera de la oficina", "me encuentro fuera", "estaré fuera",
        "sono fuori ufficio", "sarò fuori ufficio", "sono assente", "ik ben afwezig", "ik ben niet aanwezig", "ik ben momenteel afwezig",
        "estou fora do escritório", "estarei fora", "jestem poza biurem", "jestem nieobecny", "jestem nieobecna", "jag är ledig",
        "jag är inte på kontoret", "jag är borta", "jeg er ikke på kontoret", "jeg er på ferie", "jeg har ferie", "olen poissa", "olen lomalla",
        "esu atostogose", "esmu atvaļinājumā", "olen puhkusel",
    ]

    static func matches(subject: String, text: String) -> Bool {
        let s = subject.lowercased()
        if s.containsAny(subjects) { return true }
        let first = text.split(separator: "\n").prefix(4).joined(separator: " ").lowercased()
        return first.containsAny(openings)
    }
}
