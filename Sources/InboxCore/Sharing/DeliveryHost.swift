#if canImport(Glibc)
import Glibc
#endif

/// Exactly one machine delivers in a shared inbox: `config set delivery.host NAME` (a shared
/// setting). On any other machine, `message flush` and every send that would run the delivery
/// hook are refused (exit 1) before anything is changed, so two clones never deliver the same
/// scheduled message. With `delivery.host` unset, every machine delivers, as before.
public enum DeliveryHost {
    /// This machine's name: `INBOX_HOST` when set (tests, or a machine known by another name),
    /// else the host name.
    public static func current() -> String {
        if let value = getenv("INBOX_HOST"), case let name = String(cString: value), !name.isEmpty { return name }
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Refuses when `delivery.host` names another machine. `doing` says what was refused.
    public static func check(_ config: Config, doing: String) throws(InboxError) {
        guard let host = config.string(.deliveryHost) else { return }
        let here = current()
        guard host.lowercased() != here.lowercased() else { return }
        throw InboxError.refused("\(doing) is refused here: delivery.host is '\(host)', and this machine is '\(here)'; scheduled messages are delivered on \(host) only (run this there, or '\(CommandReference.setConfig(key: "delivery.host", value: here))' to move delivery here)")
    }

    public static func check(_ repository: Repository, doing: String) throws(InboxError) {
        let config = try repository.read { (s) throws(InboxError) in try Config.load(s) }
        try check(config, doing: doing)
    }
}
