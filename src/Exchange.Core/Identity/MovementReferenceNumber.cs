using System.Security.Cryptography;

namespace Exchange.Core.Identity;

/// <summary>
/// Issues the customs reference of an accepted declaration: a Movement Reference Number in the
/// EU layout (an18, regex <c>[0-9]{2}[A-Z]{2}[A-Z0-9]{13}[0-9]</c>): 2-digit year, the
/// administration's ISO 3166-1 alpha-2 code, 13 characters, and a check digit computed with the
/// ISO 6346 method that EU MRNs use.
/// </summary>
public static class MovementReferenceNumber
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    /// <summary>
    /// A new MRN. The 13 middle characters are the milliseconds since the start of the year in
    /// base 36 (7 characters, so references sort by issue time) and 6 random base-36 characters,
    /// so two nodes issuing in the same millisecond collide with odds of about 1 in 2 billion.
    /// </summary>
    public static string Issue(string countryCode, DateTimeOffset now)
    {
        var utc = now.UtcDateTime;
        var sinceYearStart = (long)(utc - new DateTime(utc.Year, 1, 1, 0, 0, 0, DateTimeKind.Utc)).TotalMilliseconds;
        Span<char> chars = stackalloc char[18];
        (utc.Year % 100).TryFormat(chars[..2], out _, "00", System.Globalization.CultureInfo.InvariantCulture);
        chars[2] = countryCode[0];
        chars[3] = countryCode[1];
        WriteBase36(sinceYearStart, chars.Slice(4, 7));
        WriteRandom(chars.Slice(11, 6));
        chars[17] = (char)('0' + CheckDigit(chars[..17]));
        return new string(chars);
    }

    /// <summary>
    /// Uniformly random base-36 characters from one call to the system's generator (one call per
    /// character cost a microsecond each in OpenSSL): bytes of 252 or more are skipped, so every
    /// character is equally likely (252 = 7 * 36).
    /// </summary>
    private static void WriteRandom(Span<char> destination)
    {
        Span<byte> random = stackalloc byte[16];
        var next = random.Length;
        for (var i = 0; i < destination.Length;)
        {
            if (next == random.Length)
            {
                RandomNumberGenerator.Fill(random);
                next = 0;
            }
            var value = random[next++];
            if (value < 252)
            {
                destination[i++] = Alphabet[value % 36];
            }
        }
    }

    /// <summary>
    /// ISO 6346 check digit: digits count as themselves, letters A=10 onwards skipping the
    /// multiples of 11; each value is weighted by 2^position; the sum mod 11, then mod 10.
    /// </summary>
    public static int CheckDigit(ReadOnlySpan<char> first17)
    {
        long sum = 0;
        for (var i = 0; i < first17.Length; i++)
        {
            sum += CharacterValue(first17[i]) * (1L << i);
        }
        return (int)(sum % 11 % 10);
    }

    private static int CharacterValue(char c)
    {
        if (c is >= '0' and <= '9')
        {
            return c - '0';
        }
        // Letters run from A=10 upwards but skip 11, 22 and 33 (the multiples of the modulus).
        var value = 10;
        for (var letter = 'A'; letter < c; letter++)
        {
            value++;
            if (value % 11 == 0)
            {
                value++;
            }
        }
        return value;
    }

    private static void WriteBase36(long value, Span<char> destination)
    {
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = Alphabet[(int)(value % 36)];
            value /= 36;
        }
    }
}
