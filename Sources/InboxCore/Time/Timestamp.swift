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
        guard isStorable else { return Timestamp.gmtimeISO(seconds) }
        // Whole days and the time of day, then the civil date by arithmetic: exact for every
        // storable time, and no tm round trip through libc on the store's hot path.
        let days = seconds / 86_400, rest = Int(seconds % 86_400)
        let (year, month, day) = Timestamp.civil(fromDays: days)
        return String(unsafeUninitializedCapacity: 20) { out in
            func put(_ value: Int, _ at: Int, _ width: Int) {
                var v = value
                for i in stride(from: at + width - 1, through: at, by: -1) {
                    out[i] = UInt8(truncatingIfNeeded: 0x30 + v % 10)
                    v /= 10
                }
            }
            put(year, 0, 4); out[4] = 0x2D; put(month, 5, 2); out[7] = 0x2D; put(day, 8, 2); out[10] = 0x54
            put(rest / 3600, 11, 2); out[13] = 0x3A; put(rest / 60 % 60, 14, 2); out[16] = 0x3A; put(rest % 60, 17, 2)
            out[19] = 0x5A
            return 20
        }
    }

    /// Times the repository cannot store (before 1970, after 9999) print as they always did.
    static func gmtimeISO(_ seconds: Int64) -> String {
        var t = time_t(seconds)
        var parts = tm()
        gmtime_r(&t, &parts)
        return Timestamp.pad(Int(parts.tm_year) + 1900, 4) + "-" + Timestamp.pad(Int(parts.tm_mon) + 1, 2) + "-"
            + Timestamp.pad(Int(parts.tm_mday), 2) + "T" + Timestamp.pad(Int(parts.tm_hour), 2) + ":"
            + Timestamp.pad(Int(parts.tm_min), 2) + ":" + Timestamp.pad(Int(parts.tm_sec), 2) + "Z"
    }

    /// Parses exactly the stored form, from 1970 to 9999; nil for anything else.
    public init?(iso text: String) {
        let parsed = text.utf8.withContiguousStorageIfAvailable { Timestamp.parseISO($0) }
            ?? Array(text.utf8).withUnsafeBufferPointer { Timestamp.parseISO($0) }
        guard let parsed else { return nil }
        self = parsed
    }

    static func parseISO(_ b: UnsafeBufferPointer<UInt8>) -> Timestamp? {
        guard b.count == 20, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54, b[13] == 0x3A, b[16] == 0x3A, b[19] == 0x5A
        else { return nil }
        func digits(_ start: Int, _ count: Int) -> Int? {
            var v = 0
            for i in start..<(start + count) {
                let d = b[i] &- 0x30
                guard d <= 9 else { return nil }
                v = v * 10 + Int(d)
            }
            return v
        }
        guard let year = digits(0, 4), let month = digits(5, 2), let day = digits(8, 2), let hour = digits(11, 2),
              let minute = digits(14, 2), let second = digits(17, 2),
              let value = utc(year: year, month: month, day: day, hour: hour, minute: minute, second: second),
              value.isStorable
        else { return nil }
        return value
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
        let days = daysFromCivil(year: Int64(year), month: Int64(month), day: Int64(day))
        return Timestamp(seconds: days * 86_400 + Int64(hour * 3600 + minute * 60 + second))
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (what timegm computes, for
    /// valid dates), by Howard Hinnant's days_from_civil.
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The inverse: year, month (1-12) and day (1-31) of a day counted from 1970-01-01.
    static func civil(fromDays days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (Int(yearOfEra + era * 400 + (month <= 2 ? 1 : 0)), Int(month), Int(day))
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

    /// The local calendar day as one number, 20261121: cheap to compare and count by.
    public var localDay: Int {
        let parts = localParts
        return (Int(parts.tm_year) + 1900) * 10000 + (Int(parts.tm_mon) + 1) * 100 + Int(parts.tm_mday)
    }

    /// `2026-11-21` for a `localDay` number.
    public static func dayText(_ day: Int) -> String {
        pad(day / 10000, 4) + "-" + pad(day / 100 % 100, 2) + "-" + pad(day % 100, 2)
    }

    /// The local date, "2026-11-30": the first ten characters of `localDescription`, without
    /// making the rest (a year past 9999, local time of the latest moment east of UTC, is cut as before).
    var localDate: String {
        let parts = localParts
        let year = Int(parts.tm_year) + 1900
        guard (0...9999).contains(year) else { return String(localDescription.prefix(10)) }
        return Timestamp.pad(year, 4) + "-" + Timestamp.pad(Int(parts.tm_mon) + 1, 2) + "-" + Timestamp.pad(Int(parts.tm_mday), 2)
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
        default: return localDate
        }
        return delta >= 0 ? unit + " ago" : "in " + unit
    }
}
