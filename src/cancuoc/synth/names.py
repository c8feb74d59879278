"""Vietnamese names and population shares for the synthetic province.

Surname shares: DOMAIN.md (secondary source); "others" spread over further common surnames.
Faker's vi_VN is not used: it puts the given name first and weights no surname.
"""

SURNAMES: list[tuple[str, float]] = [
    ("Nguyễn", 38.4), ("Trần", 11.0), ("Lê", 9.5), ("Phạm", 7.1), ("Hoàng", 3.0),
    ("Huỳnh", 2.1), ("Phan", 4.5), ("Vũ", 2.2), ("Võ", 1.7), ("Đặng", 2.1), ("Bùi", 2.0),
    ("Đỗ", 1.4), ("Hồ", 1.3), ("Ngô", 1.3), ("Dương", 1.0), ("Lý", 0.5), ("Trương", 1.2),
    ("Đinh", 1.1), ("Lâm", 0.8), ("Mai", 0.8), ("Trịnh", 1.0), ("Lương", 0.7), ("Hà", 0.9),
    ("Cao", 0.6), ("Lưu", 0.5), ("Tạ", 0.4), ("Quách", 0.3), ("Thái", 0.3), ("Lại", 0.3),
    ("Kiều", 0.2), ("Đoàn", 0.8), ("Chu", 0.3), ("Tô", 0.3), ("Vương", 0.3),
]  # fmt: skip

MIDDLE_NAMES = {
    "M": [("Văn", 40), ("Đức", 8), ("Minh", 8), ("Hữu", 6), ("Quang", 6), ("Thanh", 5),
          ("Xuân", 4), ("Ngọc", 4), ("Công", 4), ("Đình", 5), ("Tiến", 3), ("Trọng", 3),
          ("Hoàng", 3), ("Gia", 2), ("Bá", 2)],
    "F": [("Thị", 55), ("Ngọc", 7), ("Thu", 5), ("Thanh", 5), ("Minh", 4), ("Kim", 4),
          ("Hồng", 4), ("Phương", 3), ("Bích", 3), ("Thùy", 3), ("Mai", 2), ("Khánh", 2),
          ("Diệu", 2), ("Hải", 1)],
}  # fmt: skip

GIVEN_NAMES = {
    "M": ["Anh", "Bình", "Cường", "Dũng", "Đạt", "Đức", "Giang", "Hải", "Hiếu", "Hòa",
          "Hoàng", "Hùng", "Huy", "Khánh", "Khoa", "Kiên", "Lâm", "Long", "Minh", "Nam",
          "Nghĩa", "Phong", "Phúc", "Quân", "Quang", "Sơn", "Tài", "Thắng", "Thành", "Thịnh",
          "Toàn", "Trung", "Tuấn", "Tùng", "Việt", "Vinh", "Hưng", "Lộc", "Thủy", "Tuệ"],
    "F": ["An", "Anh", "Bích", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hiền",
          "Hoa", "Hòa", "Hồng", "Huyền", "Hương", "Lan", "Liên", "Linh", "Loan", "Mai",
          "Nga", "Ngân", "Ngọc", "Nhung", "Oanh", "Phương", "Quỳnh", "Thảo", "Thu", "Thủy",
          "Thúy", "Trang", "Tuyết", "Uyên", "Vân", "Yến", "Xuân", "Khuê", "Loan", "Hoài"],
}  # fmt: skip

# Vietnam 2019 census (1 April 2019), share of population by five-year age band, 0–4 … 80+.
AGE_BANDS: list[tuple[int, int, float]] = [
    (0, 4, 8.1), (5, 9, 8.6), (10, 14, 7.6), (15, 19, 6.9), (20, 24, 6.9), (25, 29, 8.0),
    (30, 34, 8.2), (35, 39, 7.9), (40, 44, 7.3), (45, 49, 6.7), (50, 54, 6.1), (55, 59, 5.5),
    (60, 64, 4.6), (65, 69, 3.3), (70, 74, 2.0), (75, 79, 1.3), (80, 99, 1.9),
]  # fmt: skip

ETHNICITIES = [("Kinh", 82), ("Mường", 8), ("Thái", 7), ("Thổ", 1), ("Dao", 1), ("Mông", 1)]
RELIGIONS = [("Không", 90), ("Công giáo", 5), ("Phật giáo", 5)]
WHEREABOUTS = ["TP. Hồ Chí Minh", "Bình Dương", "Đồng Nai", "Hà Nội", "Bắc Ninh",
               "Hải Phòng", "Hàn Quốc", "Nhật Bản", "Đài Loan"]  # fmt: skip
ABROAD = {"Hàn Quốc", "Nhật Bản", "Đài Loan"}  # working abroad: not handed to a commune
PHONE_PREFIXES = [
    "32", "33", "34", "35", "36", "37", "38", "39", "86", "88", "89", "90",
    "91", "93", "94", "96", "97", "98", "70", "76", "77", "78", "79", "81",
]  # fmt: skip
