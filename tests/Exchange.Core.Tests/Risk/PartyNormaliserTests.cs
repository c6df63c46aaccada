using Exchange.Core.Risk;

namespace Exchange.Core.Tests.Risk;

public sealed class PartyNormaliserTests
{
    [Theory]
    [InlineData("Anna Schmidt", "annaschmidt")]
    [InlineData("  ANNA   SCHMIDT ", "annaschmidt")]
    [InlineData("Shenzhen Bright Gadgets Co., Ltd.", "shenzhenbrightgadgetscoltd")]
    [InlineData("O'Brien-Smith", "obriensmith")]
    [InlineData("Łódź Żółć", "lodzzolc")]
    [InlineData("Müller Straße", "mullerstrasse")]
    [InlineData("Ærøskøbing Œuvre Þór", "aeroskobingoeuvrethor")]
    [InlineData("ŞTEFAN Ţepeş Ștefan Țepeș", "stefantepesstefantepes")]
    [InlineData("Dvořák İstanbul ĳssel", "dvorakistanbulijssel")]
    [InlineData("Cafe\u0301 cre\u0300me", "cafecreme")] // decomposed: the combining marks are dropped
    [InlineData("ＡＢＣ　１２３", "abc123")] // full-width letters, digits and space
    [InlineData("\u041C\u043E\u0441\u043A\u0432\u0430 \u0391\u0398\u0397\u039D\u0391", "\u043C\u043E\u0441\u043A\u0432\u0430\u03B1\u03B8\u03B7\u03BD\u03B1")] // Москва ΑΘΗΝΑ: other scripts are lower-cased and kept
    [InlineData("李伟", "李伟")]
    [InlineData("×÷!?", "")]
    public void Party_keys_fold_case_diacritics_punctuation_and_spacing(string text, string key) =>
        Assert.Equal(key, PartyNormaliser.Key(text));

    [Fact]
    public void Every_latin_letter_with_a_diacritic_folds_to_ascii_letters()
    {
        for (var c = '\u00C0'; c <= '\u017F'; c++)
        {
            if (c is '\u00D7' or '\u00F7')
            {
                Assert.Equal("", PartyNormaliser.Key(c.ToString()));
                continue;
            }
            var folded = PartyNormaliser.Key(c.ToString());
            Assert.True(folded.Length is 1 or 2 && folded.All(char.IsAsciiLetterLower), $"U+{(int)c:X4} {c} folds to \"{folded}\"");
        }
    }

    [Theory]
    [InlineData("Gifts & Spare-Parts!", "gifts spare parts")]
    [InlineData("  2x   T-SHIRTS ", "2x t shirts")]
    [InlineData("...", "")]
    public void Words_keep_one_space_between_words(string text, string words) =>
        Assert.Equal(words, PartyNormaliser.Words(text));

    [Fact]
    public void Long_texts_are_folded_whole()
    {
        var text = string.Concat(Enumerable.Repeat("Straße ", 200));
        Assert.Equal(string.Concat(Enumerable.Repeat("strasse", 200)), PartyNormaliser.Key(text));
    }
}
