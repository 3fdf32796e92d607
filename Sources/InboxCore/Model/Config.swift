/// One setting in `config.jsonl`: `{"key":"sms.from","value":["+12125550199"]}`, sorted by key.
public struct ConfigEntry: StoredRecord {
    public var key: String
    public var value: JSONValue

    public init(key: String, value: JSONValue) {
        self.key = key
        self.value = value
    }

    public static let schema = RecordSchema(blank: ConfigEntry(key: "", value: .null), [
        .field("key", \.key, .string),
        .field("value", \.value, .any),
    ]) { entry throws(JSONParseError) in
        guard let known = ConfigKey(rawValue: entry.key) else { throw JSONParseError("unknown setting \"\(entry.key)\"") }
        do throws(InboxError) {
            try known.check(entry.value)
        } catch {
            throw JSONParseError("setting \"\(entry.key)\": \(error.message)")
        }
    }
}

/// Every setting the tool knows; `config set` refuses others.
public enum ConfigKey: String, CaseIterable, Sendable {
    case userName = "user.name"
    case signature = "signature"
    case smsFrom = "sms.from"
    case availability = "availability"
    case autoResponse = "auto_response"
    case goalNew = "goal.new"
    case goalMissed = "goal.missed"
    case goalYours = "goal.yours"
    case phoneCountryCode = "phone.country_code"
    case phoneRegion = "phone.region"
    case deliveryMaxAttempts = "delivery.max_attempts"
    case deliveryTimeout = "delivery.timeout"
    case deliveryHost = "delivery.host"
    case repositoryFormat = "repository.format"

    public var summary: Explanation {
        switch self {
        case .userName: return "acting user when \(InputField.actingUser) and INBOX_USER are not given"
        case .signature: return "firm-wide email signature for users without their own (\(Remedy.setUserSignature)); never added to SMS, chat or templates"
        case .smsFrom: return "SMS From numbers; the first is the default (several values allowed)"
        case .availability: return "on or off; while off, inbound messages are filed as missed and get the auto-response"
        case .autoResponse: return "text sent automatically to messages that arrive while availability is off"
        case .goalNew: return "reply-time goal for new conversations (duration, e.g. 2h)"
        case .goalMissed: return "reply-time goal for missed conversations (duration, e.g. 4h)"
        case .goalYours: return "reply-time goal for your conversations (duration, or end-of-day)"
        case .phoneCountryCode: return "calling code for numbers written without +, e.g. 1 or 44 (unchecked; phone.region supersedes it)"
        case .phoneRegion: return "ISO region (US, GB, FR, ...) whose rules turn numbers written without + into E.164 and refuse invalid ones"
        case .deliveryMaxAttempts: return "delivery attempts before a scheduled message stays failed"
        case .deliveryTimeout: return "seconds the delivery hook may run before it is killed and its message is in-doubt"
        case .deliveryHost: return "the one machine (host name, or INBOX_HOST) that delivers scheduled messages in a shared inbox; unset: any"
        case .repositoryFormat: return "format version of this repository (read-only)"
        }
    }

    public var defaultValue: JSONValue {
        switch self {
        case .userName, .signature, .autoResponse, .phoneCountryCode, .phoneRegion, .deliveryHost: return .null
        case .smsFrom: return .array([])
        case .availability: return .string("on")
        case .goalNew: return .string("2h")
        case .goalMissed: return .string("4h")
        case .goalYours: return .string("end-of-day")
        case .deliveryMaxAttempts: return .int(5)
        case .deliveryTimeout: return .int(30)
        case .repositoryFormat: return .int(Repository.formatVersion)
        }
    }

    /// Turns what `config set` was given into the stored value, or says why not.
    public func parse(_ values: [String], current: Config?) throws(InboxError) -> JSONValue {
        guard self == .smsFrom || values.count == 1 else {
            throw InboxError.usage("\(rawValue) takes exactly one value")
        }
        let text = values.first ?? ""
        switch self {
        case .repositoryFormat:
            throw InboxError.usage("repository.format is read-only")
        case .userName:
            return .string(try UserName.validated(text))
        case .signature, .autoResponse:
            return .string(text)
        case .smsFrom:
            var numbers: [String] = []
            for value in values {
                for part in value.split(separator: ",") {
                    numbers.append(try PhoneNumber.normalize(String(part), countryCode: current?.countryCode, region: current?.phoneRegion))
                }
            }
            return .strings(numbers)
        case .availability:
            switch text.lowercased() {
            case "on", "true", "yes": return .string("on")
            case "off", "false", "no": return .string("off")
            default: throw InboxError.usage("availability must be on or off, not '\(text)'")
            }
        case .goalNew, .goalMissed, .goalYours:
            if self == .goalYours, ["end-of-day", "eod", "same-day"].contains(text.lowercased()) {
                return .string("end-of-day")
            }
            guard let seconds = DurationText.seconds(text), seconds > 0 else {
                throw InboxError.usage("\(rawValue) must be a duration such as 30m or 2h\(self == .goalYours ? ", or end-of-day" : ""), not '\(text)'")
            }
            return .string(DurationText.format(seconds))
        case .phoneCountryCode:
            let digits = text.hasPrefix("+") ? String(text.dropFirst()) : text
            guard (1...3).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }), !digits.hasPrefix("0") else {
                throw InboxError.usage("phone.country_code must be a calling code such as 1 or 44, not '\(text)'")
            }
            return .string(digits)
        case .phoneRegion:
            guard let region = PhoneRegion.named(text.trimmingWhitespace()) else {
                throw InboxError.usage("phone.region must be an ISO region code, one of \(PhoneRegion.all.map(\.code).joined(separator: " ")), not '\(text)'")
            }
            return .string(region.code)
        case .deliveryMaxAttempts:
            guard let n = Int64(text), (1...100).contains(n) else {
                throw InboxError.usage("delivery.max_attempts must be a whole number from 1 to 100, not '\(text)'")
            }
            return .int(n)
        case .deliveryHost:
            let name = text.trimmingWhitespace()
            guard (1...253).contains(name.utf8.count),
                  name.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-._".unicodeScalars.contains($0)) }) else {
                throw InboxError.usage("delivery.host must be a host name (letters, digits, '-', '.', '_'), not '\(text)'")
            }
            return .string(name)
        case .deliveryTimeout:
            guard let n = Int64(text), (1...3600).contains(n) else {
                throw InboxError.usage("delivery.timeout must be a whole number of seconds from 1 to 3600, not '\(text)'")
            }
            return .int(n)
        }
    }

    /// Checks a stored value (a hand-edited config is read as strictly as any other file).
    func check(_ value: JSONValue) throws(InboxError) {
        let asText: [String]
        switch value {
        case .string(let s): asText = [s]
        case .int(let n): asText = [String(n)]
        case .array(let items):
            guard self == .smsFrom else { throw InboxError.usage("expected a single value, found an array") }
            asText = items.compactMap(\.stringValue)
            guard asText.count == items.count else { throw InboxError.usage("expected an array of strings") }
        case .null: return
        default: throw InboxError.usage("unexpected \(value.typeName)")
        }
        if self == .repositoryFormat {
            // Which formats this build reads is the store's question (RepositoryFormat); here
            // the value only has to be one.
            guard case .int(let n) = value, n >= 1 else { throw InboxError.usage("a format number, not \(JSONWriter.string(value))") }
            return
        }
        let parsed = try parse(asText, current: nil)
        guard parsed == value else { throw InboxError.usage("not in canonical form (expected \(JSONWriter.string(parsed)))") }
    }
}

/// The repository's settings, with defaults for what was never set.
public struct Config: Sendable {
    public static let file = "config.jsonl"
    var values: [String: JSONValue]

    public init(entries: [ConfigEntry]) {
        var values: [String: JSONValue] = [:]
        for entry in entries { values[entry.key] = entry.value }
        self.values = values
    }

    public static func load(_ session: Session) throws(InboxError) -> Config {
        Config(entries: try session.records(file))
    }

    public func value(_ key: ConfigKey) -> JSONValue { values[key.rawValue] ?? key.defaultValue }
    public func isSet(_ key: ConfigKey) -> Bool { values[key.rawValue] != nil }

    public func string(_ key: ConfigKey) -> String? { value(key).stringValue }

    public var userName: String? { string(.userName) }
    public var signature: String? { string(.signature) }
    public var countryCode: String? { string(.phoneCountryCode) }
    public var phoneRegion: PhoneRegion? { string(.phoneRegion).flatMap(PhoneRegion.named) }
    public var availabilityOn: Bool { string(.availability) != "off" }
    public var smsFrom: [String] {
        guard case .array(let items) = value(.smsFrom) else { return [] }
        return items.compactMap(\.stringValue)
    }
}

enum ConfigStore {
    static func initialFile() -> [UInt8] {
        JSONLines.encode([ConfigEntry(key: ConfigKey.repositoryFormat.rawValue, value: .int(Repository.formatVersion))])
    }
}

extension Config {
    /// Sets or (with nil) unsets one key, keeping the file sorted by key.
    public static func set(_ key: ConfigKey, to value: JSONValue?, in tx: Transaction) throws(InboxError) {
        var entries = try tx.records(file, as: ConfigEntry.self).filter { $0.key != key.rawValue }
        if let value { entries.append(ConfigEntry(key: key.rawValue, value: value)) }
        entries.sort { $0.key < $1.key }
        tx.stage(file, records: entries)
    }
}
