/// Durations as people write them: `90s`, `12m`, `2h`, `1h30m`, `3d`.
public enum DurationText {
    /// Nothing the tool measures lasts a century; the bound keeps every sum far from overflow.
    public static let maxSeconds: Int64 = 100 * 366 * 86400

    public static func seconds(_ text: String) -> Int64? {
        let s = text.trimmingWhitespace().lowercased()
        guard !s.isEmpty else { return nil }
        var total: Int64 = 0
        var number: Int64? = nil
        var sawUnit = false
        for c in s {
            if let digit = c.wholeNumberValue, c.isASCII {
                number = (number ?? 0) * 10 + Int64(digit)
                guard number! < 10_000_000 else { return nil }
                continue
            }
            guard let n = number else { return nil }
            switch c {
            case "s": total += n
            case "m": total += n * 60
            case "h": total += n * 3600
            case "d": total += n * 86400
            default: return nil
            }
            guard total <= maxSeconds else { return nil }
            number = nil
            sawUnit = true
        }
        // A bare number is ambiguous (seconds? minutes?), so a unit is required.
        guard number == nil, sawUnit, total <= maxSeconds else { return nil }
        return total
    }

    /// The shortest exact form: 5400 → "1h30m".
    public static func format(_ seconds: Int64) -> String {
        if seconds == 0 { return "0s" }
        var rest = seconds
        var out = ""
        for (unit, size) in [("d", Int64(86400)), ("h", 3600), ("m", 60), ("s", 1)] where rest >= size {
            out += "\(rest / size)\(unit)"
            rest %= size
        }
        return out
    }
}
