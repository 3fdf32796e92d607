#if canImport(Glibc)
import Glibc
#endif

/// A moment, in whole seconds since 1970 UTC. The repository stores it as ISO-8601 UTC
/// (`2026-11-21T22:36:29Z`); people see it in their local time zone.
public struct Timestamp: Comparable, Hashable, Sendable {
    public var seconds: Int64

    public init(seconds: Int64) { self.seconds = seconds }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.seconds < b.seconds }

    public static func systemNow() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(seconds: Int64(spec.tv_sec))
    }

    /// The moments the repository holds: its stored form has four-digit years, and nothing it
    /// records predates 1970. Times typed by people are refused outside this range (exit 64),
    /// stored ones are bad data (exit 65).
    public static let earliest = Timestamp(seconds: 0)                 // 1970-01-01T00:00:00Z
    public static let latest = Timestamp(seconds: 253_402_300_799)     // 9999-12-31T23:59:59Z

    public var isStorable: Bool { seconds >= Timestamp.earliest.seconds && seconds <= Timestamp.latest.seconds }

    /// A time derived from another (a retry's back-off, a closing time, a fixture's spacing).
    /// It saturates at `earliest` and `latest`, so arithmetic on a stored time can never make
    /// a time the repository could not read back (year 10000) or overflow.
    public func adding(seconds delta: Int64) -> Timestamp {
        let (sum, overflow) = seconds.addingReportingOverflow(delta)
        if overflow { return delta > 0 ? .latest : .earliest }
        return Timestamp(seconds: min(max(sum, Timestamp.earliest.seconds), Timestamp.latest.seconds))
    }

    // MARK: Stored form

    public var iso: String {
        var t = time_t(seconds)
        var parts = tm()
        gmtime_r(&t, &parts)
        return Timestamp.pad(Int(parts.tm_year) + 1900, 4) + "-" + Timestamp.pad(Int(parts.tm_mon) + 1, 2) + "-"
            + Timestamp.pad(Int(parts.tm_mday), 2) + "T" + Timestamp.pad(Int(parts.tm_hour), 2) + ":"
            + Timestamp.pad(Int(parts.tm_min), 2) + ":" + Timestamp.pad(Int(parts.tm_sec), 2) + "Z"
    }

    /// Parses exactly the stored form, from 1970 to 9999; nil for anything else.
    public init?(iso text: String) {
        let b = Array(text.utf8)
        guard b.count == 20, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54, b[13] == 0x3A, b[16] == 0x3A, b[19] == 0x5A,
              let year = Timestamp.digits(b, 0, 4), let month = Timestamp.digits(b, 5, 2),
              let day = Timestamp.digits(b, 8, 2), let hour = Timestamp.digits(b, 11, 2),
              let minute = Timestamp.digits(b, 14, 2), let second = Timestamp.digits(b, 17, 2),
              let value = Timestamp.utc(year: year, month: month, day: day, hour: hour, minute: minute, second: second),
              value.isStorable
        else { return nil }
        self = value
    }

    static func digits(_ b: [UInt8], _ start: Int, _ count: Int) -> Int? {
        var v = 0
        for i in start..<(start + count) {
            guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }
            v = v * 10 + Int(b[i] - 0x30)
        }
        return v
    }

    /// A UTC calendar time, or nil if any field is out of range (31 February is not 3 March).
    public static func utc(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Timestamp? {
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
              (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second) else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        return Timestamp(seconds: Int64(timegm(&parts)))
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    // MARK: Shown to people

    /// Local date and time, `2026-11-21 17:36`.
    public var localDescription: String {
        let parts = localParts
        return Timestamp.pad(Int(parts.tm_year) + 1900, 4) + "-" + Timestamp.pad(Int(parts.tm_mon) + 1, 2) + "-"
            + Timestamp.pad(Int(parts.tm_mday), 2) + " " + Timestamp.pad(Int(parts.tm_hour), 2) + ":"
            + Timestamp.pad(Int(parts.tm_min), 2)
    }

    var localParts: tm {
        var t = time_t(seconds)
        var parts = tm()
        localtime_r(&t, &parts)
        return parts
    }

    /// "just now", "5m ago", "2h ago", "3d ago", or the local date for anything older than a
    /// month; "in 2h" for the future (scheduled sends).
    public func age(relativeTo now: Timestamp) -> String {
        let delta = now.seconds - seconds
        let magnitude = abs(delta)
        let unit: String
        switch magnitude {
        case ..<60: return delta >= 0 ? "just now" : "in <1m"
        case ..<3600: unit = "\(magnitude / 60)m"
        case ..<86400: unit = "\(magnitude / 3600)h"
        case ..<(86400 * 31): unit = "\(magnitude / 86400)d"
        default: return String(localDescription.prefix(10))
        }
        return delta >= 0 ? unit + " ago" : "in " + unit
    }
}
