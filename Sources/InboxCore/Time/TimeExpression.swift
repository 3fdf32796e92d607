#if canImport(Glibc)
import Glibc
#endif

/// Turns what a person types for a time into a moment, or refuses: anything unclear is a usage
/// error, never a guess.
///
/// Accepted: `now`; ISO-8601 `2026-11-23`, `2026-11-23T09:00`, `2026-11-23 09:00:30`, with an
/// optional `Z` or `±HH:MM` zone (local time when absent); relative `+30m`, `+2h`, `+3d`, `+1w`,
/// in the past `-7d`, compound `+1h30m` / `-1d12h`, and without a sign (`1h30m`) meaning ahead;
/// `today 17:00`, `tomorrow 9:00`, `yesterday 17:00`; `today` and `yesterday` alone are the start
/// of that day; weekday names `mon 9:00` (the next such day, a week ahead when
/// today is that day and the time has passed). A local time that a DST change skips or repeats
/// is refused with a request for an explicit zone. So is any time outside 1970–9999 UTC: the
/// repository could not store it (`9999-12-31T23:59:59-14:00` is year 10000 in UTC).
public enum TimeExpression {
    public static func resolve(_ input: String, now: Timestamp) throws(InboxError) -> Timestamp {
        let moment = try interpret(input, now: now)
        guard moment.isStorable else {
            throw unclear(input, "it is outside the years 1970 to 9999 (UTC) that a repository can hold")
        }
        return moment
    }

    static func interpret(_ input: String, now: Timestamp) throws(InboxError) -> Timestamp {
        let text = input.trimmingWhitespace().lowercased()
        guard !text.isEmpty else { throw unclear(input, "it is empty") }
        if text == "now" { return now }
        if text.hasPrefix("+") { return try relative(input, String(text.dropFirst()), sign: 1, now: now) }
        if text.hasPrefix("-") { return try relative(input, String(text.dropFirst()), sign: -1, now: now) }
        if let parts = durationParts(text) { return try shifted(now, by: parts, sign: 1, input: input) }
        let words = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        if let first = words.first, let dayOffset = try dayWord(first, input: input, now: now) {
            // A day that has begun, alone, means its start: `--since yesterday`, `--since today`.
            let startsOfDay = first == "today" || first == "yesterday"
            guard words.count == 2 || (words.count == 1 && startsOfDay) else {
                throw unclear(input, "give a time of day after '\(first)', for example '\(first) 9:00'")
            }
            let (hour, minute) = words.count == 2 ? try clock(words[1], input: input) : (0, 0)
            let today = now.localParts
            var (year, month, day) = (Int(today.tm_year) + 1900, Int(today.tm_mon) + 1, Int(today.tm_mday))
            (year, month, day) = addDays(dayOffset, year: year, month: month, day: day)
            var moment = try local(year, month, day, hour, minute, 0, input: input)
            // A weekday that is today but whose time has passed means next week.
            if weekdays.contains(first) || weekdayAliases[first] != nil, dayOffset == 0, moment <= now {
                (year, month, day) = addDays(7, year: year, month: month, day: day)
                moment = try local(year, month, day, hour, minute, 0, input: input)
            }
            return moment
        }
        return try iso(input, text.uppercased())
    }

    static let weekdays = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
    static let weekdayAliases: [String: Int] = [
        "sunday": 0, "monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5, "saturday": 6,
        "tues": 2, "wednes": 3, "thur": 4, "thurs": 4,
    ]

    /// Days from today for `today`, `tomorrow` and weekday names; nil when `word` is none of them.
    static func dayWord(_ word: String, input: String, now: Timestamp) throws(InboxError) -> Int? {
        if word == "today" { return 0 }
        if word == "tomorrow" { return 1 }
        if word == "yesterday" { return -1 }
        guard let target = weekdays.firstIndex(of: word) ?? weekdayAliases[word] else { return nil }
        let current = Int(now.localParts.tm_wday)
        return (target - current + 7) % 7
    }

    static func clock(_ word: String, input: String) throws(InboxError) -> (Int, Int) {
        var text = word
        var pm: Bool? = nil
        if text.hasSuffix("am") { pm = false; text.removeLast(2) } else if text.hasSuffix("pm") { pm = true; text.removeLast(2) }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let hourValue = Int(parts[0]), parts[0].count <= 2,
              parts.count == 1 || parts[1].count == 2, let minute = parts.count == 2 ? Int(parts[1]) : 0,
              (0...59).contains(minute)
        else { throw unclear(input, "'\(word)' is not a time of day (use 24-hour HH:MM, or 9am / 5:30pm)") }
        var hour = hourValue
        if let pm {
            guard (1...12).contains(hour) else { throw unclear(input, "'\(word)' is not a 12-hour time") }
            hour = hour % 12 + (pm ? 12 : 0)
        } else if parts.count == 1 {
            throw unclear(input, "'\(word)' could be a day or an hour; write it as \(word):00")
        }
        guard (0...23).contains(hour) else { throw unclear(input, "'\(word)' is not a time of day") }
        return (hour, minute)
    }

    static func relative(_ input: String, _ body: String, sign: Int64, now: Timestamp) throws(InboxError) -> Timestamp {
        guard let parts = durationParts(body) else {
            throw unclear(input, "relative times look like +30m, +2h, -7d, +1w or +1h30m (units w, d, h, m, largest first)")
        }
        return try shifted(now, by: parts, sign: sign, input: input)
    }

    /// A duration such as `30m`, `7d` or `1d2h30m`: each of w, d, h, m at most once, largest
    /// first, each amount below 100000. Nil for anything else (a date, a clock time).
    static func durationParts(_ text: String) -> (days: Int64, seconds: Int64)? {
        let units: [Character] = ["w", "d", "h", "m"]
        var days: Int64 = 0, seconds: Int64 = 0
        var digits = "", nextUnit = 0
        guard let first = text.first, first.isASCII, first.isNumber else { return nil }
        for c in text {
            if c.isASCII && c.isNumber { digits.append(c); continue }
            guard let index = units.firstIndex(of: c), index >= nextUnit, !digits.isEmpty, digits.count <= 5,
                  let amount = Int64(digits) else { return nil }
            switch c {
            case "w": days += amount * 7
            case "d": days += amount
            case "h": seconds += amount * 3600
            default: seconds += amount * 60
            }
            digits = ""
            nextUnit = index + 1
        }
        return digits.isEmpty ? (days, seconds) : nil
    }

    /// `now` moved by a duration. Days are calendar days: +1d at 9:00 is 9:00 tomorrow, even
    /// across a DST change; hours and minutes are elapsed time.
    static func shifted(_ now: Timestamp, by parts: (days: Int64, seconds: Int64), sign: Int64, input: String) throws(InboxError) -> Timestamp {
        var moment = now
        if parts.days != 0 {
            let p = now.localParts
            let (y, m, d) = addDays(Int(sign * parts.days), year: Int(p.tm_year) + 1900, month: Int(p.tm_mon) + 1, day: Int(p.tm_mday))
            guard (1...9999).contains(y) else { throw unclear(input, "it is outside the years 1970 to 9999 (UTC) that a repository can hold") }
            moment = try local(y, m, d, Int(p.tm_hour), Int(p.tm_min), Int(p.tm_sec), input: input)
        }
        // Not `adding`: it saturates, and an out-of-range result must be refused, not clamped.
        return Timestamp(seconds: moment.seconds + sign * parts.seconds)
    }

    static func iso(_ input: String, _ text: String) throws(InboxError) -> Timestamp {
        let b = Array(text.utf8)
        func num(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= b.count else { return nil }
            return Timestamp.digits(b, start, count)
        }
        guard b.count >= 10, b[4] == 0x2D, b[7] == 0x2D, let year = num(0, 4), let month = num(5, 2), let day = num(8, 2) else {
            throw unclear(input, "use ISO-8601 (2026-11-23T09:00), now, +30m, -7d, 1h30m, today 17:00, yesterday, tomorrow 9:00 or a weekday like 'mon 9:00'")
        }
        var hour = 0, minute = 0, second = 0
        var index = 10
        if index < b.count {
            guard b[index] == 0x54 || b[index] == 0x20, let h = num(index + 1, 2), index + 3 < b.count, b[index + 3] == 0x3A,
                  let m = num(index + 4, 2) else {
                throw unclear(input, "expected a time as THH:MM after the date")
            }
            hour = h; minute = m
            index += 6
            if index < b.count, b[index] == 0x3A {
                guard let s = num(index + 1, 2) else { throw unclear(input, "expected seconds after ':'") }
                second = s
                index += 3
            }
        }
        var offset: Int? = nil
        if index < b.count {
            let rest = String(decoding: b[index...], as: UTF8.self)
            if rest == "Z" {
                offset = 0
            } else if (b[index] == 0x2B || b[index] == 0x2D), let h = num(index + 1, 2) {
                var m = 0
                if b.count == index + 6, b[index + 3] == 0x3A, let mm = num(index + 4, 2) { m = mm }
                else if b.count == index + 5, let mm = num(index + 3, 2) { m = mm }
                else if b.count != index + 3 { throw unclear(input, "zone offsets look like Z, +02:00 or -0500") }
                guard h <= 14, m < 60 else { throw unclear(input, "zone offset out of range") }
                offset = (h * 3600 + m * 60) * (b[index] == 0x2D ? -1 : 1)
            } else {
                throw unclear(input, "unexpected '\(rest)' after the time")
            }
        }
        if let offset {
            guard let utc = Timestamp.utc(year: year, month: month, day: day, hour: hour, minute: minute, second: second) else {
                throw unclear(input, "no such date or time")
            }
            return Timestamp(seconds: utc.seconds - Int64(offset))
        }
        return try local(year, month, day, hour, minute, second, input: input)
    }

    /// A local wall-clock time, refusing times a DST change skips or repeats.
    static func local(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int, input: String) throws(InboxError) -> Timestamp {
        guard let asUTC = Timestamp.utc(year: year, month: month, day: day, hour: hour, minute: minute, second: second) else {
            throw unclear(input, "no such date or time")
        }
        // The zone's offsets in effect around that day; a wall-clock time maps through one of them.
        var offsets = Set<Int64>()
        for probe in [asUTC.seconds - 86400, asUTC.seconds, asUTC.seconds + 86400] {
            offsets.insert(Int64(Timestamp(seconds: probe).localParts.tm_gmtoff))
        }
        var matches = Set<Int64>()
        for offset in offsets {
            let candidate = Timestamp(seconds: asUTC.seconds - offset)
            let p = candidate.localParts
            if Int(p.tm_year) + 1900 == year, Int(p.tm_mon) + 1 == month, Int(p.tm_mday) == day,
               Int(p.tm_hour) == hour, Int(p.tm_min) == minute, Int(p.tm_sec) == second {
                matches.insert(candidate.seconds)
            }
        }
        switch matches.count {
        case 1: return Timestamp(seconds: matches.first!)
        case 0: throw unclear(input, "that local time does not exist (skipped by a daylight-saving change); give a zone, e.g. Z or -05:00")
        default: throw unclear(input, "that local time happens twice (daylight-saving change); give a zone, e.g. Z or -05:00")
        }
    }

    static func addDays(_ n: Int, year: Int, month: Int, day: Int) -> (Int, Int, Int) {
        let noon = Timestamp.utc(year: year, month: month, day: day, hour: 12, minute: 0, second: 0)!
        var t = time_t(noon.seconds + Int64(n) * 86400)
        var p = tm()
        gmtime_r(&t, &p)
        return (Int(p.tm_year) + 1900, Int(p.tm_mon) + 1, Int(p.tm_mday))
    }

    static func unclear(_ input: String, _ why: String) -> InboxError {
        .usage("unclear time '\(input)': \(why)")
    }
}

extension String {
    public func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return String(s)
    }
}
