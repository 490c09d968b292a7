from alliance.fmt import NBSP, fmt_dec, fmt_int, fmt_pct, plural


def test_french_numbers():
    assert fmt_int(12345) == f"12{NBSP}345"
    assert fmt_int(1234567.4) == f"1{NBSP}234{NBSP}567"
    assert fmt_dec(3.5) == "3,5"
    assert fmt_dec(12345.67, 2) == f"12{NBSP}345,67"
    assert fmt_pct(3.5) == f"3,5{NBSP}%"
    assert fmt_pct(76, 0) == f"76{NBSP}%"


def test_plural_french_rule():
    assert plural(0, "coopération") == f"0{NBSP}coopération"
    assert plural(1, "coopération") == f"1{NBSP}coopération"
    assert plural(2, "coopération") == f"2{NBSP}coopérations"
