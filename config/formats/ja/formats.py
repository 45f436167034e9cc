# Django's own ja formats, extended with the input formats Japanese users type.
# Full-width digits and era dates (令和7年5月20日) cannot be expressed as strptime formats: forms use
# liaison.lib.forms.JapaneseDateField, which normalises them first.

DATE_FORMAT = "Y年n月j日"
TIME_FORMAT = "G:i"
DATETIME_FORMAT = "Y年n月j日G:i"
YEAR_MONTH_FORMAT = "Y年n月"
MONTH_DAY_FORMAT = "n月j日"
SHORT_DATE_FORMAT = "Y/m/d"
SHORT_DATETIME_FORMAT = "Y/m/d G:i"
FIRST_DAY_OF_WEEK = 0  # Sunday, as on Japanese calendars

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # '2025-05-20'
    "%Y/%m/%d",  # '2025/05/20', '2025/5/2'
    "%Y年%m月%d日",  # '2025年5月20日'
]
TIME_INPUT_FORMATS = [
    "%H:%M:%S",  # '14:30:59'
    "%H:%M:%S.%f",  # '14:30:59.000200'
    "%H:%M",  # '14:30'
    "%H時%M分",  # '14時30分'
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",  # '2025-05-20 14:30:59'
    "%Y-%m-%d %H:%M:%S.%f",  # '2025-05-20 14:30:59.000200'
    "%Y-%m-%d %H:%M",  # '2025-05-20 14:30'
    "%Y/%m/%d %H:%M:%S",  # '2025/05/20 14:30:59'
    "%Y/%m/%d %H:%M:%S.%f",  # '2025/05/20 14:30:59.000200'
    "%Y/%m/%d %H:%M",  # '2025/05/20 14:30'
    "%Y年%m月%d日 %H:%M:%S",  # '2025年5月20日 14:30:59'
    "%Y年%m月%d日 %H:%M",  # '2025年5月20日 14:30'
    "%Y年%m月%d日%H:%M",  # '2025年5月20日14:30' (Django's DATETIME_FORMAT output)
    "%Y年%m月%d日 %H時%M分",  # '2025年5月20日 14時30分'
]

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
