"""The learning framework the classification is based on, in our own words.

After the NSOB/PBL essay "Leren institutionaliseren" (2020), which builds on
Seel (2012) for the five learning streams and on the idea of first, second and
third order learning. Shown on /leren/ and linked from every label.
"""

from django.utils.translation import gettext_lazy as _

from dealkennis.classification import Level, Mode, Order, Stream

STREAMS = {
    Stream.COGNITIVE: {
        "core": _("Indelen en veralgemeniseren"),
        "network": _(
            "Je leert doordat je eigen denkkaders en normen, en die van het netwerk, "
            "opnieuw tegen het licht houdt."
        ),
        Mode.EXPERIENTIAL: _(
            "Zelf merken welke waarden en normen er in een deal op het spel staan, en daar je "
            "handelen op afstemmen."
        ),
        Mode.DELIBERATE: _(
            "Verschillende opvattingen over wat een deal hoort te zijn naast elkaar leggen en er "
            "een nieuwe kijk uit afleiden."
        ),
    },
    Stream.BEHAVIOURAL: {
        "core": _("Gedrag in zijn context"),
        "network": _("Je leert doordat je gaat zien wat in welke situatie wel en niet werkt."),
        Mode.EXPERIENTIAL: _(
            "Aan een of meer deals werken, in uiteenlopende omstandigheden, en ondervinden wat "
            "aanslaat en wat niet."
        ),
        Mode.DELIBERATE: _(
            "Stelselmatig vergelijken wat in verschillende situaties wel en niet heeft gewerkt."
        ),
    },
    Stream.RELATIONAL: {
        "core": _("Prikkel en reactie"),
        "network": _(
            "Je leert doordat je vaste patronen doorbreekt en anders leert reageren op prikkels en impulsen."
        ),
        Mode.EXPERIENTIAL: _(
            "Zelf vastlopen in een deal en daardoor nieuwe reacties ontwikkelen die je uit een patroon halen."
        ),
        Mode.DELIBERATE: _(
            "Patronen in deals, en de manier waarop de overheid daarin optreedt, systematisch ontleden."
        ),
    },
    Stream.CONSTRUCTIVIST: {
        "core": _("Ervaren en reflecteren"),
        "network": _(
            "Je leert doordat je samen met anderen een werkelijkheid vormgeeft en er betekenis aan geeft."
        ),
        Mode.EXPERIENTIAL: _(
            "Met een deal mee vormgeven aan de praktijk en je eigen aanpak verbeteren door erop "
            "terug te kijken."
        ),
        Mode.DELIBERATE: _(
            "Bewust leerzame ervaringen in deals organiseren en ambtenaren daarin begeleiden met "
            "gezamenlijke reflectie."
        ),
    },
    Stream.SOCIAL: {
        "core": _("Kijken en nadoen"),
        "network": _(
            "Je leert doordat je het netwerkvak afkijkt bij anderen en samen terugblikt op "
            "elkaars ervaringen."
        ),
        Mode.EXPERIENTIAL: _(
            "Leren van je eigen contacten in deals en door collega's na te doen: het vak afkijken."
        ),
        Mode.DELIBERATE: _(
            "De omgang in deals nabootsen en oefenen, en je door anderen laten trainen in wat je kunt doen."
        ),
    },
}

MODES = {
    Mode.EXPERIENTIAL: _(
        "Leren door te doen: informeel en weinig gepland. Wat je leert hangt af van de situatie en "
        "van wie er toevallig bij is. Spiegelen aan anderen, bijvoorbeeld in intervisie, hoort erbij."
    ),
    Mode.DELIBERATE: _(
        "Leren met opzet: formeel, gestructureerd en vaak begeleid, met materiaal dat voor het leren "
        "is gemaakt, zoals de inspiratiekaarten."
    ),
}

ORDERS = {
    Order.FIRST: _("Enkelvoudig leren: procedures en handelingsregels verbeteren zodat het werk beter gaat."),
    Order.SECOND: _(
        "Dubbelslag leren: nagaan waarom die procedures er zijn en of ze het doel nog wel dienen."
    ),
    Order.THIRD: _("Drieslag leren: de uitgangspunten van de organisatie zelf ter discussie stellen."),
}

LEVELS = {
    Level.TASK: _("Het werk zelf: inhoud maken en doelen halen."),
    Level.COLLABORATION: _(
        "De samenwerking: wie er meedoet, hoe je afspraken maakt en hoe je elkaar daarop aanspreekt."
    ),
}

# One way of learning per cell of the order x level table.
CELLS = {
    (Order.FIRST, Level.TASK): _("Leren hoe je taken goed uitvoert, bijvoorbeeld door resultaten te delen."),
    (Order.FIRST, Level.COLLABORATION): _(
        "Leren hoe je de samenwerking goed inricht, bijvoorbeeld met werkbezoeken, begeleide "
        "uitwisseling of een presentatie over je eigen ervaringen."
    ),
    (Order.SECOND, Level.TASK): _(
        "Nagaan of de taken en doelen er (nog) toe doen, met vaste momenten van reflectie en oog "
        "voor valkuilen als lock-in en doorzetten ondanks grote tegenslag."
    ),
    (Order.SECOND, Level.COLLABORATION): _(
        "Nagaan of de partners samen met de goede dingen bezig zijn, bijvoorbeeld door het in een "
        "kleine kopgroep anders te proberen en open te houden dat stoppen mag."
    ),
    (Order.THIRD, Level.TASK): _(
        "Het gesprek voeren over wat nog een taak van de overheid is en welke ingrepen gerechtvaardigd "
        "zijn, en dingen uitproberen."
    ),
    (Order.THIRD, Level.COLLABORATION): _(
        "Het gesprek voeren over de vraag of het stelsel past bij de afspraken over samenwerken, en "
        "dingen uitproberen."
    ),
}
