using GenerationPlatform.Text.Vocabulary;

namespace GenerationPlatform.Text.Tests;

/// <summary>
/// A small WordNet: real lines of the WordNet 3.0 database (Debian wordnet-base), their pointers and index senses
/// trimmed to the synsets kept here, so that every chain they describe stays inside the fixture (clothing, garment,
/// shirts, sweaters, dresses, coats, trousers, sandals, handbags, underwear; red, green, cyan and blue and their adjectives).
/// </summary>
public static class SmallWordNet
{
    public const string NounData = """
        02773037 06 n 01 bag 0 001 @ 03094503 n 0000 | a flexible container with a single opening; "he stuffed his laundry into a large bag"
        02774152 06 n 04 bag 2 handbag 0 pocketbook 0 purse 0 002 @ 03094503 n 0000 ~ 03055418 n 0000 | a container used for carrying money and small personal items or accessories (especially by women); "she reached into her bag and found a comb"
        02963159 06 n 01 cardigan 0 001 @ 04370048 n 0000 | knitted jacket that is fastened up the front with buttons or a zipper
        03013438 06 n 03 chemise 0 sack 1 shift 0 001 @ 03236735 n 0000 | a loose-fitting dress hanging straight from the shoulders without a waist
        03051540 06 n 06 clothing 0 article_of_clothing 0 vesture 0 wear 0 wearable 0 habiliment 0 003 ~ 03419014 n 0000 ~ 03502509 n 0000 ~ 04596852 n 0000 | a covering designed to be worn on a person's body
        03055418 06 n 02 clutch_bag 0 clutch 2 001 @ 02774152 n 0000 | a woman's strapless purse that is carried in the hand
        03057021 06 n 01 coat 0 002 @ 03863923 n 0000 ~ 03589791 n 0000 | an outer garment that has sleeves and covers the body from shoulder down; worn outdoors
        03094503 06 n 01 container 0 002 ~ 02773037 n 0000 ~ 02774152 n 0000 | any object that can be used to hold things (especially a large metal boxlike object of standardized dimensions that can be loaded from one form of transport to another)
        03234164 06 n 05 drawers 2 underdrawers 0 shorts 1 boxers 0 boxershorts 0 001 @ 04508489 n 0000 | underpants worn by men
        03236735 06 n 02 dress 0 frock 0 005 @ 04596852 n 0000 ~ 03013438 n 0000 ~ 03450230 n 0000 ~ 03604400 n 0000 ~ 04355511 n 0000 | a one-piece garment for a woman; has skirt and bodice
        03297103 06 n 01 espadrille 0 001 @ 04133789 n 0000 | a sandal with a sole made of rope or rubber and a cloth upper part
        03357081 06 n 04 flannel 3 gabardine 3 tweed 3 white 3 001 @ 04489008 n 0000 | (usually in the plural) trousers made of flannel or gabardine or tweed or white cloth
        03364008 06 n 02 flip-flop 1 thong 2 001 @ 04133789 n 0000 | a backless sandal held to the foot by a thong between the big toe and the second toe
        03380867 06 n 02 footwear 0 footgear 0 001 ~ 04199027 n 0000 | covering for a person's feet
        03419014 06 n 01 garment 0 006 @ 03051540 n 0000 ~ 03863923 n 0000 ~ 04197391 n 0000 ~ 04370048 n 0000 ~ 04489008 n 0000 ~ 04508163 n 0000 | an article of clothing; "garments of the finest silk"
        03450230 06 n 01 gown 0 001 @ 03236735 n 0000 | a woman's dress, usually with a close-fitting bodice and a long flared skirt, often worn on formal occasions
        03502509 06 n 02 headdress 0 headgear 0 001 @ 03051540 n 0000 | clothing for the head
        03589791 06 n 01 jacket 0 003 @ 03057021 n 0000 ~ 03604536 n 0000 ~ 04123026 n 0000 | a short coat
        03594734 06 n 03 jean 3 blue_jean 0 denim 3 001 @ 04489008 n 0000 | (usually plural) close-fitting trousers of heavy denim for manual work or casual wear
        03595614 06 n 03 jersey 1 T-shirt 0 tee_shirt 0 002 @ 04197391 n 0000 ~ 04502197 n 0000 | a close-fitting pullover shirt
        03604400 06 n 03 jumper 0 pinafore 0 pinny 0 001 @ 03236735 n 0000 | a sleeveless dress resembling an apron; worn over other clothing
        03604536 06 n 01 jumper 1 001 @ 03589791 n 0000 | a loose jacket or blouse worn by workmen
        03643907 06 n 02 lash 1 thong 0 000 | leather strip that forms the flexible part of a whip
        03863923 06 n 02 overgarment 0 outer_garment 0 003 @ 03419014 n 0000 ! 04508163 n 0101 ~ 03057021 n 0000 | a garment worn over other garments
        03978966 06 n 02 polo_shirt 0 sport_shirt 0 001 @ 04197391 n 0000 | a shirt with short sleeves designed for comfort and casual wear
        04021028 06 n 02 pullover 0 slipover 0 002 @ 04370048 n 0000 ~ 04370456 n 0000 | a sweater that is put on by pulling it over the head
        04123026 06 n 02 sack 3 sacque 0 001 @ 03589791 n 0000 | a woman's full loose hiplength jacket
        04133789 06 n 01 sandal 0 003 @ 04199027 n 0000 ~ 03297103 n 0000 ~ 03364008 n 0000 | a shoe consisting of a sole fastened by straps to the foot
        04197391 06 n 01 shirt 0 004 @ 03419014 n 0000 ~ 03595614 n 0000 ~ 03978966 n 0000 ~ 04390577 n 0000 | a garment worn on the upper half of the body
        04199027 06 n 01 shoe 0 002 @ 03380867 n 0000 ~ 04133789 n 0000 | footwear shaped to fit the foot (below the ankle) with a flexible upper of leather or plastic and a sole and heel of heavier material
        04205318 06 n 03 short_pants 0 shorts 0 trunks 0 001 @ 04489008 n 0000 | trousers that end at or above the knee
        04355511 06 n 01 sundress 0 001 @ 03236735 n 0000 | a light loose sleeveless summer dress with a wide neckline and thin shoulder straps that expose the arms and shoulders
        04370048 06 n 02 sweater 0 jumper 4 004 @ 03419014 n 0000 ~ 02963159 n 0000 ~ 04021028 n 0000 ~ 04502197 n 0000 | a crocheted or knitted garment covering the upper part of the body
        04370456 06 n 01 sweatshirt 0 001 @ 04021028 n 0000 | cotton knit pullover with long sleeves worn during athletic activity
        04390577 06 n 01 tank_top 0 001 @ 04197391 n 0000 | a tight-fitting sleeveless shirt with wide shoulder straps and low neck and no front opening; often worn over a shirt or blouse
        04426427 06 n 01 thong 4 001 @ 04508489 n 0000 | underpants resembling a G-string; worn by women especially under very tight pants; "she wore thongs in her quest for the callipygian ideal"
        04489008 06 n 02 trouser 0 pant 0 004 @ 03419014 n 0000 ~ 03357081 n 0000 ~ 03594734 n 0000 ~ 04205318 n 0000 | (usually in the plural) a garment extending from the waist to the knee or ankle, covering each leg separately; "he had a sharp crease in his trousers"
        04502197 06 n 03 turtleneck 0 turtle 0 polo-neck 0 002 @ 04370048 n 0000 @ 03595614 n 0000 | a sweater or jersey with a high close-fitting collar
        04508163 06 n 02 undergarment 0 unmentionable 0 003 @ 03419014 n 0000 ! 03863923 n 0101 ~ 04508489 n 0000 | a garment worn under other garments
        04508489 06 n 01 underpants 0 003 @ 04508163 n 0000 ~ 03234164 n 0000 ~ 04426427 n 0000 | an undergarment that covers the body from the waist no further than to the thighs; usually worn next to the skin
        04596852 06 n 01 woman's_clothing 0 002 @ 03051540 n 0000 ~ 03236735 n 0000 | clothing that is designed for women to wear
        04959672 07 n 04 chromatic_color 0 chromatic_colour 0 spectral_color 0 spectral_colour 0 003 ~ 04962784 n 0000 ~ 04967191 n 0000 ~ 04968895 n 0000 | a color that has hue
        04962784 07 n 02 red 0 redness 0 007 @ 04959672 n 0000 + 00381097 a 0201 + 00381097 a 0101 ~ 04963588 n 0000 ~ 04963740 n 0000 ~ 04964287 n 0000 ~ 04964977 n 0000 | red color or pigment; the chromatic color resembling the hue of blood
        04963588 07 n 03 crimson 0 ruby 0 deep_red 0 002 @ 04962784 n 0000 + 00381097 a 0109 | a deep and vivid red color
        04963740 07 n 01 dark_red 0 002 @ 04962784 n 0000 ~ 04963905 n 0000 | a red color that reflects little light
        04963905 07 n 01 burgundy 0 001 @ 04963740 n 0000 | a dark purplish-red to blackish-red color
        04964287 07 n 02 purplish_red 0 purplish-red 0 002 @ 04962784 n 0000 ~ 04964586 n 0000 | a red with a tinge of purple
        04964586 07 n 01 magenta 0 001 @ 04964287 n 0000 | a primary subtractive color for light; a dark purple-red color; the dye for magenta was discovered in 1859, the year of the battle of Magenta
        04964977 07 n 03 scarlet 0 vermilion 0 orange_red 0 002 @ 04962784 n 0000 + 00381097 a 010c | a variable color that is vivid red but sometimes with an orange tinge
        04967191 07 n 03 green 0 greenness 0 viridity 0 004 @ 04959672 n 0000 + 00375969 a 0201 + 00375969 a 0101 ~ 04968426 n 0000 | green color or pigment; resembling the color of growing grass
        04968426 07 n 03 bluish_green 0 blue_green 0 teal 0 003 @ 04967191 n 0000 + 00371163 a 0304 ~ 04968619 n 0000 | a blue-green color or pigment; "they painted it a light shade of bluish green"
        04968619 07 n 01 cyan 0 002 @ 04968426 n 0000 + 00371163 a 0103 | a primary subtractive color for light; has a blue-green color
        04968895 07 n 02 blue 0 blueness 0 005 @ 04959672 n 0000 + 00370869 a 0201 ~ 04969242 n 0000 ~ 04969703 n 0000 ~ 04969798 n 0000 | blue color or pigment; resembling the color of the clear sky in the daytime; "he had eyes of bright blue"
        04969242 07 n 05 azure 0 cerulean 0 sapphire 0 lazuline 0 sky-blue 0 003 @ 04968895 n 0000 + 00370267 a 0202 + 00370267 a 0101 | a light shade of blue
        04969703 07 n 03 dark_blue 0 navy 0 navy_blue 0 001 @ 04968895 n 0000 | a dark shade of blue
        04969798 07 n 06 greenish_blue 0 aqua 0 aquamarine 0 turquoise 0 cobalt_blue 0 peacock_blue 0 001 @ 04968895 n 0000 | a shade of blue tinged with green
        """;

    public const string AdjectiveData = """
        00366691 00 a 01 chromatic 0 005 & 00370267 a 0000 & 00370869 a 0000 & 00371163 a 0000 & 00375969 a 0000 & 00381097 a 0000 | being or having or characterized by hue
        00370267 00 s 04 azure 0 cerulean 0 sky-blue 0 bright_blue 0 003 & 00366691 a 0000 + 04969242 n 0202 + 04969242 n 0101 | of a deep somewhat purplish blue color similar to that of a clear October sky; "October's bright blue weather"
        00370869 00 s 03 blue 0 bluish 0 blueish 0 002 & 00366691 a 0000 + 04968895 n 0102 | of the color intermediate between green and violet; having a color similar to that of a clear unclouded sky; "October's bright blue weather"- Helen Hunt Jackson; "a blue flame"; "blue haze of tobacco smoke"
        00371163 00 s 04 bluish_green 0 blue-green 0 cyan 0 teal 0 003 & 00366691 a 0000 + 04968426 n 0403 + 04968619 n 0301 | of a bluish shade of green
        00375969 00 s 04 green 0 greenish 0 light-green 0 dark-green 0 003 & 00366691 a 0000 + 04967191 n 0101 + 04967191 n 0102 | of the color between blue and yellow in the color spectrum; similar to the color of fresh grass; "a green tree"; "green fields"; "green paint"
        00381097 00 s 0c red 1 reddish 0 ruddy 0 blood-red 0 carmine 0 cerise 0 cherry 0 cherry-red 0 crimson 0 ruby 0 ruby-red 0 scarlet 0 005 & 00366691 a 0000 + 04964977 n 0c01 + 04963588 n 0901 + 04962784 n 0101 + 04962784 n 0102 | of a color at the end of the color spectrum (next to orange); resembling the color of blood or cherries or tomatoes or rubies
        """;

    public const string NounIndex = """
        thong n 3 2 @ #p 3 0 03643907 04426427 03364008  
        jumper n 3 4 @ ~ %p ; 3 0 04370048 03604536 03604400  
        sack n 2 3 @ ~ + 2 0 04123026 03013438  
        shorts n 2 3 @ ~ ; 2 0 04205318 03234164  
        bag n 2 5 @ ~ #p %p + 2 0 02773037 02774152  
        dress n 1 4 @ ~ %p + 1 0 03236735  
        t-shirt n 1 2 @ ~ 1 0 03595614  
        flip-flop n 1 3 @ ~ + 1 0 03364008  
        red n 1 4 @ ~ #p + 1 0 04962784  
        crimson n 1 2 @ + 1 0 04963588  
        navy n 1 7 @ #p %m %p + ; - 1 0 04969703  
        turquoise n 1 1 @ 1 0 04969798  
        scarlet n 1 2 @ + 1 0 04964977  
        """;

    public const string AdjectiveIndex = """
        red a 1 2 & + 1 0 00381097  
        crimson a 1 2 & + 1 0 00381097  
        scarlet a 1 2 & + 1 0 00381097  
        """;

    public static WordNetDatabase Database { get; } = WordNetDatabase.FromLines(Lines(NounData), Lines(NounIndex), Lines(AdjectiveData), Lines(AdjectiveIndex));

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
