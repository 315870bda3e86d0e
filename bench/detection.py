"""Language detection: what a process pays for its detector, how long a message takes, and how
often the answer is right.

Memory: RSS of this process before and after building the detector for the languages (VmRSS,
and the peak VmHWM), and the build time. Run once per language set: a process keeps every
detector it built, so two sets in one run would not say what either costs alone.

Time: detection per message after a warm-up, p50 / p99 over the sample sentences (short chat
lines) and over a 400-character text (what detection reads of a long message), with the load
average before and after.

Answers: typical chat sentences in each supported language (written for this benchmark) and
the lines of the multilingual safety set (bench/data/safety-multilingual.tsv: chat lines full
of numbers, handles and links, some of them a few words long) are counted as detected, cannot
tell ("": the sender's profile language is used), "und" (another language) or wrong; sentences
in languages we do not serve should come out "und" (or "" at worst, never a supported one).
No Django setup, database or network.

    .venv/bin/python bench/detection.py                         # the twenty default languages
    .venv/bin/python bench/detection.py --languages en,es,fr,de,it,pt
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.proc import loadavg  # noqa: E402
from translation.detection import UNDETERMINED, detect_language, preload_detector  # noqa: E402

TWENTY = "en,es,pt,fr,de,it,nl,pl,ru,uk,tr,ar,hi,id,vi,th,ja,zh,ko,tl"
SAFETY_SET = ROOT / "bench" / "data" / "safety-multilingual.tsv"

SERVED = {
    "en": [
        "hey, how was your day? I can't wait to see you this weekend",
        "sorry I was at work, just got home",
        "do you want to grab dinner on saturday night?",
    ],
    "es": [
        "hola, ¿qué tal tu día? No puedo esperar a verte este fin de semana",
        "perdón, estaba trabajando, acabo de llegar",
        "¿te apetece cenar algo el sábado por la noche?",
    ],
    "pt": [
        "oi, como foi o seu dia? Mal posso esperar para te ver neste fim de semana",
        "desculpa, estava no trabalho, acabei de chegar",
        "você quer jantar comigo no sábado à noite?",
    ],
    "fr": [
        "salut, ta journée s'est bien passée ? J'ai hâte de te voir ce week-end",
        "désolé j'étais au boulot, je viens de rentrer",
        "ça te dirait d'aller dîner samedi soir ?",
    ],
    "de": [
        "hey, wie war dein Tag? Ich freue mich so, dich am Wochenende zu sehen",
        "sorry, war bei der Arbeit, bin gerade heimgekommen",
        "hast du Lust, am Samstagabend essen zu gehen?",
    ],
    "it": [
        "ciao, com'è andata la giornata? Non vedo l'ora di vederti questo weekend",
        "scusa ero al lavoro, sono appena tornato",
        "ti va di andare a cena sabato sera?",
    ],
    "nl": [
        "hoi, hoe was je dag? Ik kan niet wachten om je dit weekend te zien",
        "sorry, ik was aan het werk en ben net thuis",
        "heb je zin om zaterdagavond uit eten te gaan?",
    ],
    "pl": [
        "cześć, jak minął ci dzień? nie mogę się doczekać, żeby cię zobaczyć w weekend",
        "przepraszam, byłem w pracy i dopiero wróciłem do domu",
        "masz ochotę pójść na kolację w sobotę wieczorem?",
    ],
    "ru": [
        "привет, как прошёл твой день? не могу дождаться, когда увижу тебя на выходных",
        "извини, я был на работе и только что пришёл домой",
        "хочешь поужинать вместе в субботу вечером?",
    ],
    "uk": [
        "привіт, як минув твій день? не можу дочекатися, коли побачу тебе на вихідних",
        "вибач, я був на роботі й щойно прийшов додому",
        "хочеш повечеряти разом у суботу ввечері?",
    ],
    "tr": [
        "selam, günün nasıl geçti? hafta sonu seni görmek için sabırsızlanıyorum",
        "pardon, işteydim, eve yeni geldim",
        "cumartesi akşamı yemeğe çıkmak ister misin?",
    ],
    "ar": [
        "مرحبا، كيف كان يومك؟ لا أستطيع الانتظار لرؤيتك في عطلة نهاية الأسبوع",
        "آسف، كنت في العمل ووصلت إلى البيت للتو",
        "هل تحب أن نتعشى معًا مساء السبت؟",
    ],
    "hi": [
        "नमस्ते, तुम्हारा दिन कैसा रहा? मैं इस वीकेंड तुमसे मिलने का इंतज़ार नहीं कर सकता",
        "माफ़ करना, मैं काम पर था और अभी घर पहुँचा हूँ",
        "क्या तुम शनिवार रात को डिनर पर चलोगी?",
    ],
    "id": [
        "hai, gimana harimu? aku nggak sabar ketemu kamu akhir pekan ini",
        "maaf, tadi aku lagi kerja dan baru sampai rumah",
        "kamu mau makan malam bareng hari Sabtu?",
    ],
    "vi": [
        "chào em, hôm nay của em thế nào? anh rất mong được gặp em cuối tuần này",
        "xin lỗi, lúc nãy anh đang làm việc, giờ mới về đến nhà",
        "tối thứ bảy em có muốn đi ăn tối với anh không?",
    ],
    "th": [
        "สวัสดีค่ะ วันนี้เป็นยังไงบ้าง อยากเจอคุณสุดสัปดาห์นี้มากเลย",
        "ขอโทษนะ เมื่อกี้ทำงานอยู่ เพิ่งกลับถึงบ้าน",
        "เย็นวันเสาร์ไปกินข้าวด้วยกันไหม",
    ],
    "ja": [
        "こんにちは、今日はどんな一日でしたか？週末に会えるのが楽しみです",
        "ごめんね、仕事中だった。今帰ってきたところ",
        "土曜日の夜、一緒にご飯行かない？",
    ],
    "zh": [
        "你好，今天过得怎么样？我好期待这个周末见到你",
        "不好意思，刚才在上班，现在才到家",
        "周六晚上要不要一起吃饭？",
    ],
    "ko": [
        "안녕하세요, 오늘 하루 어땠어요? 이번 주말에 만나는 게 너무 기대돼요",
        "미안, 일하느라 바빴어. 방금 집에 왔어",
        "토요일 저녁에 같이 밥 먹을래?",
    ],
    "tl": [
        "hi, kumusta ang araw mo? hindi na ako makapaghintay na makita ka ngayong weekend",
        "pasensya na, nasa trabaho ako kanina at kakauwi ko lang",
        "gusto mo bang kumain tayo sa labas sa Sabado ng gabi?",
    ],
}

OUTSIDE = {
    "sv": [
        "hej, hur var din dag? jag längtar verkligen efter att träffa dig i helgen",
        "förlåt, jag var på jobbet och kom precis hem",
        "vill du hitta på något på lördag kväll?",
        "jag har en katt som heter Molly, hon är så söt",
    ],
    "da": [
        "hej, hvordan var din dag? jeg glæder mig rigtig meget til at se dig i weekenden",
        "undskyld, jeg var på arbejde og er lige kommet hjem",
        "har du lyst til at finde på noget på lørdag aften?",
        "jeg har en kat der hedder Molly, hun er så sød",
    ],
    "nb": [
        "hei, hvordan var dagen din? jeg gleder meg veldig til å se deg i helgen",
        "beklager, jeg var på jobb og kom akkurat hjem",
        "har du lyst til å finne på noe på lørdag kveld?",
        "jeg har en katt som heter Molly, hun er så søt",
    ],
    "ro": [
        "bună, cum a fost ziua ta? abia aștept să te văd în weekend",
        "scuze, eram la muncă și abia am ajuns acasă",
        "vrei să ieșim undeva sâmbătă seara?",
        "am o pisică pe care o cheamă Molly, e foarte drăguță",
    ],
    "ca": [
        "hola, com t'ha anat el dia? tinc moltes ganes de veure't aquest cap de setmana",
        "perdona, estava treballant i acabo d'arribar a casa",
        "et ve de gust fer alguna cosa dissabte a la nit?",
        "tinc una gata que es diu Molly, és molt maca",
    ],
    "cs": [
        "ahoj, jaký jsi měl den? moc se těším, až tě o víkendu uvidím",
        "promiň, byl jsem v práci a právě jsem přišel domů",
        "nechceš v sobotu večer někam zajít?",
        "mám kočku, která se jmenuje Molly, je hrozně roztomilá",
    ],
    "sk": [
        "ahoj, aký si mal deň? veľmi sa teším, že ťa cez víkend uvidím",
        "prepáč, bol som v práci a práve som prišiel domov",
        "nechceš ísť niekam v sobotu večer?",
        "mám mačku, ktorá sa volá Molly, je strašne zlatá",
    ],
    "hr": [
        "bok, kako ti je bio dan? jedva čekam da te vidim za vikend",
        "oprosti, bio sam na poslu i upravo sam došao kući",
        "želiš li izaći negdje u subotu navečer?",
        "imam mačku koja se zove Molly, jako je slatka",
    ],
    "sl": [
        "živjo, kako je bil tvoj dan? komaj čakam, da te vidim za vikend",
        "oprosti, bil sem v službi in sem ravnokar prišel domov",
        "bi šla v soboto zvečer kam ven?",
        "imam mačko, ki ji je ime Molly, zelo je luštna",
    ],
    "hu": [
        "szia, milyen napod volt? alig várom, hogy hétvégén lássalak",
        "bocsi, dolgoztam és most értem haza",
        "nincs kedved szombat este elmenni valahova?",
        "van egy macskám, Mollynak hívják, nagyon aranyos",
    ],
    "fi": [
        "moi, millainen päivä sulla oli? odotan innolla että nähdään viikonloppuna",
        "sori, olin töissä ja tulin just kotiin",
        "haluaisitko lähteä jonnekin lauantai-iltana?",
        "mulla on kissa nimeltä Molly, se on tosi söpö",
    ],
    "ms": [
        "hai, macam mana hari awak? saya tak sabar nak jumpa awak hujung minggu ni",
        "maaf, saya kerja tadi dan baru sampai rumah",
        "awak nak keluar makan malam hari Sabtu nanti?",
        "saya ada seekor kucing nama dia Molly, comel sangat",
    ],
    "af": [
        "hallo, hoe was jou dag? ek kan nie wag om jou die naweek te sien nie",
        "jammer, ek was by die werk en het nou net by die huis gekom",
        "wil jy Saterdagaand iets gaan doen?",
        "ek het 'n kat met die naam Molly, sy is so oulik",
    ],
    "az": [
        "salam, günün necə keçdi? həftəsonu səni görmək üçün səbirsizlənirəm",
        "bağışla, işdə idim, indicə evə gəldim",
        "şənbə axşamı bir yerə getmək istəyirsən?",
        "mənim Molly adlı pişiyim var, çox şirindir",
    ],
    "sq": [
        "përshëndetje, si ishte dita jote? mezi pres të të shoh në fundjavë",
        "më fal, isha në punë dhe sapo erdha në shtëpi",
        "a do të dalim diku të shtunën në mbrëmje?",
        "kam një mace që quhet Molly, është shumë e ëmbël",
    ],
    "lt": [
        "labas, kaip praėjo tavo diena? labai laukiu, kada pamatysiu tave savaitgalį",
        "atsiprašau, buvau darbe ir ką tik grįžau namo",
        "gal nori kur nors nueiti šeštadienio vakarą?",
        "turiu katę, vardu Molly, ji labai miela",
    ],
    "lv": [
        "sveiki, kā pagāja tava diena? ļoti gaidu, kad tevi redzēšu nedēļas nogalē",
        "piedod, biju darbā un tikko atnācu mājās",
        "vai gribi kaut kur aiziet sestdienas vakarā?",
        "man ir kaķis, vārdā Molly, viņa ir ļoti mīļa",
    ],
    "et": [
        "tere, kuidas su päev läks? ootan väga, et sind nädalavahetusel näha",
        "vabandust, olin tööl ja jõudsin just koju",
        "kas sa tahaksid laupäeva õhtul kuhugi minna?",
        "mul on kass nimega Molly, ta on nii armas",
    ],
    "bg": [
        "здравей, как мина денят ти? нямам търпение да те видя през уикенда",
        "извинявай, бях на работа и току-що се прибрах",
        "искаш ли да излезем някъде в събота вечер?",
        "имам котка, която се казва Моли, много е сладка",
    ],
    "sr": [
        "здраво, какав ти је био дан? једва чекам да те видим за викенд",
        "извини, био сам на послу и управо сам стигао кући",
        "хоћеш ли да изађемо негде у суботу увече?",
        "имам мачку која се зове Моли, баш је слатка",
    ],
    "mk": [
        "здраво, како ти помина денот? едвај чекам да те видам за викенд",
        "извини, бев на работа и штотуку дојдов дома",
        "сакаш ли да излеземе некаде во сабота навечер?",
        "имам мачка што се вика Моли, многу е слатка",
    ],
    "be": [
        "прывітанне, як прайшоў твой дзень? вельмі чакаю, калі ўбачу цябе на выхадных",
        "прабач, я быў на працы і толькі што вярнуўся дадому",
        "хочаш куды-небудзь схадзіць у суботу ўвечары?",
        "у мяне ёсць кошка, яе завуць Молі, яна вельмі мілая",
    ],
    "kk": [
        "сәлем, күнің қалай өтті? демалыста сені көруді асыға күтемін",
        "кешір, жұмыста болдым, жаңа ғана үйге келдім",
        "сенбі күні кешке бір жерге барғың келе ме?",
        "менің Молли деген мысығым бар, өте сүйкімді",
    ],
    "fa": [
        "سلام، روزت چطور بود؟ خیلی دلم می‌خواد آخر هفته ببینمت",
        "ببخشید، سر کار بودم و تازه رسیدم خونه",
        "دوست داری شنبه شب با هم بریم بیرون؟",
        "من یه گربه دارم اسمش مولیه، خیلی نازه",
    ],
    "ur": [
        "ہیلو، تمہارا دن کیسا گزرا؟ میں ویک اینڈ پر تم سے ملنے کا انتظار کر رہا ہوں",
        "معاف کرنا، میں کام پر تھا اور ابھی گھر پہنچا ہوں",
        "کیا تم ہفتے کی شام کہیں باہر چلنا چاہو گی؟",
        "میری ایک بلی ہے جس کا نام مولی ہے، وہ بہت پیاری ہے",
    ],
    "mr": [
        "नमस्कार, तुझा दिवस कसा गेला? या वीकेंडला तुला भेटायची खूप उत्सुकता आहे",
        "माफ कर, मी कामावर होतो आणि आत्ताच घरी आलो",
        "शनिवारी संध्याकाळी कुठेतरी बाहेर जायचं का?",
        "माझ्याकडे मॉली नावाची एक मांजर आहे, ती खूप गोड आहे",
    ],
    "he": [
        "היי, איך עבר עליך היום? אני ממש מחכה לראות אותך בסוף השבוע",
        "סליחה, הייתי בעבודה ורק עכשיו הגעתי הביתה",
    ],
    "el": [
        "γεια σου, πώς πέρασε η μέρα σου; ανυπομονώ να σε δω το σαββατοκύριακο",
        "συγγνώμη, ήμουν στη δουλειά και μόλις γύρισα σπίτι",
    ],
    "ta": ["வணக்கம், உங்கள் நாள் எப்படி இருந்தது? வார இறுதியில் உங்களைப் பார்க்க ஆவலாக இருக்கிறேன்"],
    "bn": ["হ্যালো, তোমার দিনটা কেমন কাটল? এই সপ্তাহান্তে তোমার সাথে দেখা করার জন্য অপেক্ষা করছি"],
}


def rss_mib() -> tuple[float, float]:
    """This process's resident set and its peak (VmRSS, VmHWM), MiB."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in {"VmRSS", "VmHWM"}:
            fields[name] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


def safety_lines() -> list[tuple[str, str]]:
    """(language, text) for every line of the multilingual safety set."""
    rows = []
    header = True
    for line in SAFETY_SET.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        if header:
            header = False
            continue
        language, _kind, _expected, _thread, text = line.split("\t")
        rows.append((language, text))
    return rows


def verdict(found: str, language: str) -> str:
    if found == language:
        return "detected"
    if found == "":
        return "cannot tell"
    if found == UNDETERMINED:
        return "und"
    return f"wrong:{found}"


def tally(samples: list[tuple[str, str]], supported: list[str]) -> dict[str, Counter]:
    table: dict[str, Counter] = {}
    for language, text in samples:
        found = detect_language(text, supported=supported, fallback="", outside=UNDETERMINED)
        table.setdefault(language, Counter())[verdict(found, language)] += 1
    return table


def print_table(title: str, table: dict[str, Counter]) -> None:
    print(f"\n{title}")
    totals: Counter = Counter()
    for language in sorted(table):
        counts = table[language]
        totals.update(counts)
        cells = ", ".join(f"{name} {n}" for name, n in sorted(counts.items()))
        print(f"  {language:8} {sum(counts.values()):3}  {cells}")
    cells = ", ".join(f"{name} {n}" for name, n in sorted(totals.items()))
    print(f"  {'all':8} {sum(totals.values()):3}  {cells}")


def timings(texts: list[str], supported: list[str], rounds: int) -> tuple[float, float]:
    """p50 and p99 of one detection, microseconds."""
    times = []
    for _ in range(rounds):
        for text in texts:
            started = time.perf_counter_ns()
            detect_language(text, supported=supported, fallback="", outside=UNDETERMINED)
            times.append((time.perf_counter_ns() - started) / 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--languages", default=TWENTY, help="comma-separated ISO 639-1 codes")
    parser.add_argument("--rounds", type=int, default=20, help="timing rounds over the sample")
    args = parser.parse_args()
    supported = [code.strip() for code in args.languages.split(",") if code.strip()]

    print(f"languages: {','.join(supported)} ({len(supported)})")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {loadavg()}")
    before, _ = rss_mib()
    started = time.perf_counter()
    preload_detector(supported)
    built = time.perf_counter() - started
    after, peak = rss_mib()
    print(
        f"detector: built in {built:.1f} s; RSS {before:.0f} MiB before, {after:.0f} MiB after "
        f"(+{after - before:.0f} MiB), peak {peak:.0f} MiB"
    )

    served = [(lang, text) for lang, texts in SERVED.items() for text in texts]
    outside = [(lang, text) for lang, texts in OUTSIDE.items() for text in texts]
    chat = [text for _, text in served + outside]
    long_text = " ".join(chat)[:400]
    for _ in range(3):  # warm-up
        for text in chat:
            detect_language(text, supported=supported, fallback="")
    short_p50, short_p99 = timings(chat, supported, args.rounds)
    long_p50, long_p99 = timings([long_text], supported, args.rounds * 20)
    mean_chars = statistics.mean(len(text) for text in chat)
    print(
        f"time per message: chat line ({mean_chars:.0f} characters on average) "
        f"p50 {short_p50:.0f} us, p99 {short_p99:.0f} us; 400 characters p50 {long_p50:.0f} us, "
        f"p99 {long_p99:.0f} us"
    )

    in_scope = [(lang, text) for lang, text in served if lang in supported]
    print_table("chat sentences in the supported languages", tally(in_scope, supported))
    print_table(
        "the multilingual safety set (hi-Latn: romanized Hindi)",
        tally([(lang, text) for lang, text in safety_lines()], supported),
    )
    not_served = [(lang, text) for lang, text in served + outside if lang not in supported]
    print_table("chat sentences in other languages (und expected)", tally(not_served, supported))
    print(f"\nload average after: {loadavg()}")


if __name__ == "__main__":
    main()
