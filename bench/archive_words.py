"""The words the generated archive of bench/archive.py is written in: topics and hashtags, bylines,
headlines, the sentences of bodies and comments (English and Korean), spam, browsers.

Word lists only; `bench/archive_data.py` decides how often each is used.
"""

# fmt: off
TOPICS = [
    "Ukraine", "Seoul", "Busan", "Incheon", "Jeju", "Tallinn", "Riga", "Helsinki", "Tokyo", "Beijing", "Pyongyang",
    "Election", "Parliament", "Budget", "Economy", "Exports", "Semiconductors", "Shipping", "Ports", "Ferries",
    "Railways", "Housing", "Rents", "Schools", "Exams", "Universities", "Libraries", "Museums", "Film", "Music",
    "KPop", "Books", "Theatre", "Football", "Baseball", "Marathon", "Olympics", "Climate", "Typhoon", "Floods",
    "Heatwave", "Energy", "Nuclear", "Solar", "Wind", "Science", "Space", "Health", "Hospitals", "Vaccines",
    "Ageing", "Births", "Migration", "Tourism", "Festivals", "Food", "Kimchi", "Markets", "Fishing", "Farming",
    "Technology", "AI", "Startups", "Banks", "Inflation", "Trade", "Diplomacy", "Defence", "Courts", "Police",
    "Transport", "Aviation", "Weather", "Elections"
]
KOREAN_TOPICS = [
    "서울", "부산", "인천", "제주", "우크라이나", "선거", "국회", "예산", "경제", "수출", "반도체", "해운", "항구",
    "여객선", "철도", "주택", "학교", "수능", "대학", "도서관", "박물관", "영화", "음악", "책", "축구", "야구",
    "마라톤", "기후", "태풍", "홍수", "폭염", "에너지", "과학", "건강", "병원", "관광", "축제", "음식", "시장"
]
SURNAMES = [
    "Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim"
]
GIVEN = [
    "Min-jung", "Ji-hoon", "Seo-yeon", "Hyun-woo", "Eun-ji", "Dong-hyun", "Soo-bin", "Ye-jin", "Jae-won", "Ha-eun",
    "Tae-yang", "Na-rae"
]
FIRST_NAMES = [
    "Anna", "Mart", "Liis", "Tom", "Sarah", "Jonas", "Maria", "Peter"
]
LAST_NAMES = [
    "Tamm", "Saar", "Kask", "Smith", "Brown", "Meyer", "Novak", "Berg", "Laine", "Rebane"
]
KOREAN_BYLINES = [
    "김민정", "이지훈", "박서연", "최현우", "정은지", "강동현", "조수빈", "윤예진", "장재원", "임하은"
]
SUBJECTS = [
    "City council", "Ferry operators", "The central bank", "Port workers", "Exam students", "Library users",
    "Farmers", "Researchers", "The national team", "Museum curators", "Tenants", "Hospital staff", "Shipbuilders",
    "Festival organisers", "Rail commuters", "Fishing crews", "Start-up founders", "Voters", "Teachers",
    "Climate scientists"
]
VERBS = [
    "weigh", "welcome", "question", "prepare for", "reject", "celebrate", "brace for", "debate", "plan",
    "count the cost of"
]
OBJECTS = [
    "a new timetable", "longer opening hours", "the budget cuts", "the winter storms", "a record harvest",
    "rising rents", "the harbour expansion", "a four-day week", "the election result", "new safety rules",
    "the summer festival", "a late typhoon", "the chip slowdown", "the night markets", "cheaper ferries",
    "the exam season"
]
# fmt: on
SENTENCES = [
    "The change takes effect next month, officials said on Tuesday.",
    "Residents gathered outside the hall long before the meeting began.",
    "The figures, published late on Friday, surprised most analysts.",
    "Ferries from the harbour will run every forty minutes in the evening.",
    "“We have waited for this for years,” said one of the organisers.",
    "The ministry said it would review the plan before the end of the year.",
    "Prices at the night market rose for the third month in a row.",
    "Opposition members called the proposal rushed and underfunded.",
    "The library will stay open until midnight during the exam season.",
    "Shipping companies expect traffic through the port to double.",
    "Local schools will close early on Thursday because of the heat.",
    "The council voted eleven to four in favour of the new rules.",
    "Scientists warned that the warm autumn could shorten the season.",
    "Tickets for the opening night sold out within an hour.",
    "The company declined to comment on the reports.",
    "Fishing crews said the catch this spring was the best in a decade.",
    "Commuters on the eastern line faced delays of up to an hour.",
    "The exhibition brings together more than two hundred works.",
    "Negotiations are expected to resume after the holiday.",
    "A spokesperson said the decision was final.",
]
HARBOUR_SENTENCE = "Boats crowded the old harbour as the festival opened."
KOREAN_SENTENCES = [
    "시의회는 화요일 새 시간표를 승인했다.",
    "주민들은 회의가 시작되기 훨씬 전부터 모였다.",
    "금요일 늦게 발표된 수치는 대부분의 분석가를 놀라게 했다.",
    "도서관은 시험 기간 동안 자정까지 문을 연다.",
    "야시장 물가가 석 달 연속 올랐다.",
    "여객선은 저녁에 40분마다 운항한다.",
    "과학자들은 따뜻한 가을이 시즌을 단축할 수 있다고 경고했다.",
    "협상은 연휴 이후 재개될 예정이다.",
]
SEOUL_SENTENCE = "서울 시민들은 새 노선을 반겼다."
COMMENT_SENTENCES = [
    "Thanks for covering this.",
    "I took that ferry last week and it was packed.",
    "Does anyone know when the new timetable starts?",
    "This is the third article on the subject this month.",
    "Good to see the library staying open longer.",
    "The figures in the second paragraph do not add up.",
    "My parents live near the harbour and they are worried.",
    "Finally some good news.",
    "I disagree with the council on this one.",
    "Could you follow up on what happened to the old plan?",
    "Well written, as always.",
    "Prices have gone up everywhere, not just at the market.",
    "Will there be a Korean version of this story?",
    "The photo does not show the new terminal.",
    "I was at the meeting and it was much louder than this suggests.",
    "Link to the council's report: https://council.example/report",
]
KOREAN_COMMENTS = [
    "좋은 기사 감사합니다.",
    "지난주에 그 여객선을 탔는데 사람이 많았어요.",
    "새 시간표는 언제부터인가요?",
    "도서관이 늦게까지 열어서 다행이네요.",
    "물가가 너무 올랐어요.",
]
SPAM_TEXT = "Cheap watches and casino bonus at https://spam.example/win"
USER_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
    "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
]
