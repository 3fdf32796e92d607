import InboxCore

/// Shared by the config verbs: a key from the command line, with "did you mean".
enum ConfigArgument {
    static func key(_ text: String) throws(InboxError) -> ConfigKey {
        if let key = ConfigKey(rawValue: text) { return key }
        let names = ConfigKey.allCases.map(\.rawValue)
        let hint = Suggestion.nearest(text, among: names).map { " (did you mean '\($0)'?)" } ?? ""
        throw InboxError.usage("unknown setting '\(text)'\(hint); settings are: \(names.joined(separator: ", "))")
    }

    static let keySpec = ArgumentSpec("KEY", completion: .cases(ConfigKey.self), "a setting; 'inbox config list' shows them all")

    static func display(_ value: JSONValue) -> String {
        switch value {
        case .null: return "(unset)"
        case .string(let s): return s
        case .array(let items): return items.compactMap(\.stringValue).joined(separator: ", ")
        default: return JSONWriter.string(value)
        }
    }

    static func record(_ key: ConfigKey, _ value: JSONValue, isSet: Bool) -> JSONValue {
        .object(JSONObject([("key", .string(key.rawValue)), ("value", value), ("default", .bool(!isSet))]))
    }
}
