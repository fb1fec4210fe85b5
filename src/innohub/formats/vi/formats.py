"""Vietnamese date and number formats as Vietnamese public-sector pages write them (02/12/2026,
14:30; 1.710).

Django's own vi formats spell out "Ngày 02 tháng 12 năm 2026", which doubles up with sentences that
already say "ngày …" ("hạn chót ngày %(date)s") and is long in tables.
"""

DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
MONTH_DAY_FORMAT = "j/n"
YEAR_MONTH_FORMAT = "m/Y"
TIME_FORMAT = "H:i"

# Numbers as Vietnamese writes them: 1.710 tổ chức, 12,5 tỷ đồng. Django's vi module sets the
# separators but no grouping, so {{ n|intcomma }} and money amounts came out as "1710", "500000".
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
