import ArgumentParser
import DueTrailCore

extension DueTrailCommand {
    /// A word where a command is expected that names none (`duetrail qeue`, `duetrail portal
    /// lnk`): the message, with the nearest command, as the parser does for a mistyped option.
    /// nil when the words name commands (or stop at an option, which the parser handles).
    package static func unknownCommandMessage(_ arguments: [String]) -> String? {
        var command: ParsableCommand.Type = DueTrailCommand.self
        var path = [configuration.commandName ?? "duetrail"]
        for word in arguments {
            let config = command.configuration
            // Only a command made of subcommands alone: any other word is an argument.
            guard !config.subcommands.isEmpty, config.defaultSubcommand == nil, !word.hasPrefix("-"), word != "help" else { return nil }
            func names(_ c: ParsableCommand.Type) -> [String] {
                [c.configuration.commandName ?? String(describing: c).lowercased()] + c.configuration.aliases
            }
            if let next = config.subcommands.first(where: { names($0).contains(word) }) {
                command = next
                path.append(word)
                continue
            }
            let all = config.subcommands.compactMap { $0.configuration.commandName }
            let here = path.joined(separator: " ")
            var out = "Error: Unknown command '\(word)'"
            if let near = NearestWord.nearest(to: word, among: all) {
                out += ". Did you mean '\(near)'?"
            } else {
                out += " for '\(here)'; the commands are: \(all.joined(separator: ", "))."
            }
            return out + "\nUsage: \(here) <subcommand>\n  See '\(here) --help' for more information."
        }
        return nil
    }
}
