//! The `lang` field: the language named by an Accept-Language value (spec §9.6, Appendix C).

/// What an Accept-Language value says, as p0f prints it in `lang`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    /// No usable language tag (printed `none`): the value does not start with exactly two
    /// letters, or there is no value.
    None,
    /// Two letters that are not a lower-case ISO 639-1 code (printed `???`).
    Unknown,
    /// A known ISO 639-1 code, by its printed name (for example `English`).
    Known(&'static str),
}

impl Language {
    /// The text p0f prints for it: `none`, `???` or the language name.
    pub fn as_str(self) -> &'static str {
        match self {
            Language::None => "none",
            Language::Unknown => "???",
            Language::Known(name) => name,
        }
    }
}

/// The language of an Accept-Language value.
///
/// When the first two bytes are ASCII letters and the third is not a letter (or the value
/// is exactly two bytes long), the two are looked up case-sensitively among the ISO 639-1
/// codes: `fr-FR` and `fr` give `Known("French")`, `EN-us` and `xx` give `Unknown`.
/// Anything else (`deu`, `*`, `e1`, an empty value) gives [`Language::None`].
pub fn language(accept_language: &[u8]) -> Language {
    match accept_language {
        [a, b, rest @ ..]
            if a.is_ascii_alphabetic()
                && b.is_ascii_alphabetic()
                && !rest.first().is_some_and(u8::is_ascii_alphabetic) =>
        {
            language_name([*a, *b]).map_or(Language::Unknown, Language::Known)
        }
        _ => Language::None,
    }
}

/// The printed name of a two-letter ISO 639-1 code, exactly as p0f's table has it
/// (lower case only: `en` is `English`, `EN` is not found).
pub fn language_name(code: [u8; 2]) -> Option<&'static str> {
    LANGUAGES
        .binary_search_by(|(c, _)| c.cmp(&code))
        .ok()
        .map(|i| LANGUAGES[i].1)
}

/// ISO 639-1 code → printed name, sorted by code (185 entries).
static LANGUAGES: [([u8; 2], &str); 185] = [
    (*b"aa", "Afar"),
    (*b"ab", "Abkhazian"),
    (*b"ae", "Avestan"),
    (*b"af", "Afrikaans"),
    (*b"ak", "Akan"),
    (*b"am", "Amharic"),
    (*b"an", "Aragonese"),
    (*b"ar", "Arabic"),
    (*b"as", "Assamese"),
    (*b"av", "Avaric"),
    (*b"ay", "Aymara"),
    (*b"az", "Azerbaijani"),
    (*b"ba", "Bashkir"),
    (*b"be", "Belarusian"),
    (*b"bg", "Bulgarian"),
    (*b"bh", "Bihari"),
    (*b"bi", "Bislama"),
    (*b"bm", "Bambara"),
    (*b"bn", "Bengali"),
    (*b"bo", "Tibetan"),
    (*b"br", "Breton"),
    (*b"bs", "Bosnian"),
    (*b"ca", "Catalan"),
    (*b"ce", "Chechen"),
    (*b"ch", "Chamorro"),
    (*b"co", "Corsican"),
    (*b"cr", "Cree"),
    (*b"cs", "Czech"),
    (*b"cu", "Church Slavic"),
    (*b"cv", "Chuvash"),
    (*b"cy", "Welsh"),
    (*b"da", "Danish"),
    (*b"de", "German"),
    (*b"dv", "Dhivehi"),
    (*b"dz", "Dzongkha"),
    (*b"ee", "Ewe"),
    (*b"el", "Modern Greek"),
    (*b"en", "English"),
    (*b"eo", "Esperanto"),
    (*b"es", "Spanish"),
    (*b"et", "Estonian"),
    (*b"eu", "Basque"),
    (*b"fa", "Persian"),
    (*b"ff", "Fulah"),
    (*b"fi", "Finnish"),
    (*b"fj", "Fijian"),
    (*b"fo", "Faroese"),
    (*b"fr", "French"),
    (*b"fy", "Western Frisian"),
    (*b"ga", "Irish"),
    (*b"gd", "Scottish Gaelic"),
    (*b"gl", "Galician"),
    (*b"gn", "Guarani"),
    (*b"gu", "Gujarati"),
    (*b"gv", "Manx"),
    (*b"ha", "Hausa"),
    (*b"he", "Hebrew"),
    (*b"hi", "Hindi"),
    (*b"ho", "Hiri Motu"),
    (*b"hr", "Croatian"),
    (*b"ht", "Haitian"),
    (*b"hu", "Hungarian"),
    (*b"hy", "Armenian"),
    (*b"hz", "Herero"),
    (*b"ia", "Interlingua"),
    (*b"id", "Indonesian"),
    (*b"ie", "Interlingue"),
    (*b"ig", "Igbo"),
    (*b"ii", "Sichuan Yi"),
    (*b"ik", "Inupiaq"),
    (*b"io", "Ido"),
    (*b"is", "Icelandic"),
    (*b"it", "Italian"),
    (*b"iu", "Inuktitut"),
    (*b"ja", "Japanese"),
    (*b"jv", "Javanese"),
    (*b"ka", "Georgian"),
    (*b"kg", "Kongo"),
    (*b"ki", "Kikuyu"),
    (*b"kj", "Kuanyama"),
    (*b"kk", "Kazakh"),
    (*b"kl", "Kalaallisut"),
    (*b"km", "Central Khmer"),
    (*b"kn", "Kannada"),
    (*b"ko", "Korean"),
    (*b"kr", "Kanuri"),
    (*b"ks", "Kashmiri"),
    (*b"ku", "Kurdish"),
    (*b"kv", "Komi"),
    (*b"kw", "Cornish"),
    (*b"ky", "Kirghiz"),
    (*b"la", "Latin"),
    (*b"lb", "Luxembourgish"),
    (*b"lg", "Ganda"),
    (*b"li", "Limburgan"),
    (*b"ln", "Lingala"),
    (*b"lo", "Lao"),
    (*b"lt", "Lithuanian"),
    (*b"lu", "Luba-Katanga"),
    (*b"lv", "Latvian"),
    (*b"mg", "Malagasy"),
    (*b"mh", "Marshallese"),
    (*b"mi", "Maori"),
    (*b"mk", "Macedonian"),
    (*b"ml", "Malayalam"),
    (*b"mn", "Mongolian"),
    (*b"mr", "Marathi"),
    (*b"ms", "Malay"),
    (*b"mt", "Maltese"),
    (*b"my", "Burmese"),
    (*b"na", "Nauru"),
    (*b"nb", "Norwegian Bokmal"),
    (*b"nd", "North Ndebele"),
    (*b"ne", "Nepali"),
    (*b"ng", "Ndonga"),
    (*b"nl", "Dutch"),
    (*b"nn", "Norwegian Nynorsk"),
    (*b"no", "Norwegian"),
    (*b"nr", "South Ndebele"),
    (*b"nv", "Navajo"),
    (*b"ny", "Nyanja"),
    (*b"oc", "Occitan"),
    (*b"oj", "Ojibwa"),
    (*b"om", "Oromo"),
    (*b"or", "Oriya"),
    (*b"os", "Ossetian"),
    (*b"pa", "Panjabi"),
    (*b"pi", "Pali"),
    (*b"pl", "Polish"),
    (*b"ps", "Pushto"),
    (*b"pt", "Portuguese"),
    (*b"qu", "Quechua"),
    (*b"rm", "Romansh"),
    (*b"rn", "Rundi"),
    (*b"ro", "Romanian"),
    (*b"ru", "Russian"),
    (*b"rw", "Kinyarwanda"),
    (*b"sa", "Sanskrit"),
    (*b"sc", "Sardinian"),
    (*b"sd", "Sindhi"),
    (*b"se", "Northern Sami"),
    (*b"sg", "Sango"),
    (*b"sh", "Serbo-Croatian"),
    (*b"si", "Sinhala"),
    (*b"sk", "Slovak"),
    (*b"sl", "Slovenian"),
    (*b"sm", "Samoan"),
    (*b"sn", "Shona"),
    (*b"so", "Somali"),
    (*b"sq", "Albanian"),
    (*b"sr", "Serbian"),
    (*b"ss", "Swati"),
    (*b"st", "Southern Sotho"),
    (*b"su", "Sundanese"),
    (*b"sv", "Swedish"),
    (*b"sw", "Swahili"),
    (*b"ta", "Tamil"),
    (*b"te", "Telugu"),
    (*b"tg", "Tajik"),
    (*b"th", "Thai"),
    (*b"ti", "Tigrinya"),
    (*b"tk", "Turkmen"),
    (*b"tl", "Tagalog"),
    (*b"tn", "Tswana"),
    (*b"to", "Tonga"),
    (*b"tr", "Turkish"),
    (*b"ts", "Tsonga"),
    (*b"tt", "Tatar"),
    (*b"tw", "Twi"),
    (*b"ty", "Tahitian"),
    (*b"ug", "Uighur"),
    (*b"uk", "Ukrainian"),
    (*b"ur", "Urdu"),
    (*b"uz", "Uzbek"),
    (*b"ve", "Venda"),
    (*b"vi", "Vietnamese"),
    (*b"vo", "Volapuk"),
    (*b"wa", "Walloon"),
    (*b"wo", "Wolof"),
    (*b"xh", "Xhosa"),
    (*b"yi", "Yiddish"),
    (*b"yo", "Yoruba"),
    (*b"za", "Zhuang"),
    (*b"zh", "Chinese"),
    (*b"zu", "Zulu"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_unique_and_lower_case() {
        assert!(LANGUAGES.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(
            LANGUAGES
                .iter()
                .all(|(c, n)| c.iter().all(u8::is_ascii_lowercase) && !n.is_empty())
        );
    }

    #[test]
    fn every_entry_is_found() {
        for (code, name) in &LANGUAGES {
            assert_eq!(language_name(*code), Some(*name));
            assert_eq!(language(code), Language::Known(name));
        }
    }

    #[test]
    fn spot_checks() {
        assert_eq!(language(b"en"), Language::Known("English"));
        assert_eq!(language(b"fr"), Language::Known("French"));
        assert_eq!(language(b"en-US,en;q=0.9"), Language::Known("English"));
        assert_eq!(language(b"de;q=1"), Language::Known("German"));
        assert_eq!(language(b"fr-"), Language::Known("French"));
        assert_eq!(language(b"el"), Language::Known("Modern Greek"));
        assert_eq!(language(b"nb"), Language::Known("Norwegian Bokmal"));
        assert_eq!(language(b"aa"), Language::Known("Afar"));
        assert_eq!(language(b"zu"), Language::Known("Zulu"));
    }

    #[test]
    fn unknown_two_letter_codes() {
        assert_eq!(language(b"EN-us"), Language::Unknown);
        assert_eq!(language(b"En"), Language::Unknown);
        assert_eq!(language(b"xx"), Language::Unknown);
        assert_eq!(language(b"zz,en"), Language::Unknown);
    }

    #[test]
    fn not_a_language_tag() {
        assert_eq!(language(b""), Language::None);
        assert_eq!(language(b"f"), Language::None);
        assert_eq!(language(b"deu"), Language::None);
        assert_eq!(language(b"e1"), Language::None);
        assert_eq!(language(b"*"), Language::None);
        assert_eq!(language(b" en"), Language::None);
        assert_eq!(language(b"\xc3\xa9n"), Language::None);
    }

    #[test]
    fn printed_forms() {
        assert_eq!(Language::None.as_str(), "none");
        assert_eq!(Language::Unknown.as_str(), "???");
        assert_eq!(language(b"ja").as_str(), "Japanese");
    }
}
