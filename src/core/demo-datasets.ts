// Small demo datasets written for ClozeLab (not samples of a benchmark), each with a template and
// verbalizer that suit it. They are deliberately tiny — enough to see metrics, a confusion matrix
// and errors in a lesson, far too small to compare models seriously.

import type { TemplateEntry } from './setup.ts';

export interface DemoDataset {
  id: 'sentiment-en' | 'sentiment-zh' | 'topic-en' | 'nli-en';
  language: 'en' | 'zh';
  fileName: string;
  /** The data as CSV text (header + rows). */
  csv: string;
  /** Templates that fit the data (the first is the suggested one). */
  templates: TemplateEntry[];
  verbalizer: { label: string; words: string[] }[];
  /** A real model that suits the language (the test models work too, with random predictions). */
  suggestedModel: string;
}

const SENTIMENT_EN = `text,label
"A gripping story with wonderful performances from the whole cast.",positive
"The plot was dull and the jokes fell flat.",negative
"I would happily watch it again tomorrow.",positive
"Two hours of my life I will never get back.",negative
"The soundtrack alone is worth the ticket.",positive
"Predictable, slow, and far too long.",negative
"A warm, funny film that the whole family will enjoy.",positive
"The acting was wooden and the dialogue painful.",negative
"Beautifully shot, with a story that stays with you.",positive
"I walked out halfway through.",negative
"Clever, surprising, and full of heart.",positive
"Even the special effects looked cheap.",negative
"One of the best films I have seen this year.",positive
"The characters were flat and I never cared about them.",negative
"The ending made the whole audience cheer.",positive
"A boring mess from start to finish.",negative
"Smart writing and a great lead performance.",positive
"The director clearly had no idea what story to tell.",negative
"Funny, moving, and never boring.",positive
"I kept checking my watch.",negative
"The cast has real chemistry and the jokes land.",positive
"A waste of a talented cast.",negative
"It made me laugh and cry in the same scene.",positive
"The script feels like a first draft.",negative
"A charming little film with a big heart.",positive
"Loud, confusing, and strangely empty.",negative
"Every scene is a pleasure to watch.",positive
"The story goes nowhere and takes its time doing it.",negative
"An instant classic; I recommend it to everyone.",positive
"Not even the music could save this one.",negative
"The best performance of her career.",positive
"I have seen better acting in school plays.",negative
"A fresh take on an old story.",positive
"Painfully slow and badly edited.",negative
"I left the cinema smiling.",positive
"The worst movie I have seen in years.",negative
"Tense, well made, and very entertaining.",positive
"The jokes were stale and the plot made no sense.",negative
"A delightful surprise from start to finish.",positive
"I regret buying a ticket.",negative
`;

const SENTIMENT_ZH = `text,label
这部电影太精彩了，演员的表演非常出色。,正面
剧情拖沓，看得我快睡着了。,负面
画面很美，音乐也很动人。,正面
浪费了两个小时，完全不推荐。,负面
故事感人，结尾让我哭了。,正面
演技尴尬，台词也很生硬。,负面
全家人都很喜欢，值得一看。,正面
特效很假，剧情毫无逻辑。,负面
导演讲故事的能力很强。,正面
看到一半我就离场了。,负面
笑点很多，一点也不无聊。,正面
人物单薄，我完全不关心他们。,负面
今年看过最好的电影之一。,正面
节奏太慢，情节也很老套。,负面
主演的表现让人惊喜。,正面
配乐太吵，故事也很混乱。,负面
每个镜头都很用心。,正面
剧本像是没写完就拍了。,负面
看完心情特别好。,正面
这是我几年来看过最差的电影。,负面
温暖又有趣，强烈推荐。,正面
买票真是后悔了。,负面
演员之间的配合非常默契。,正面
结局莫名其妙，让人失望。,负面
一部让人回味的好电影。,正面
对白无聊，笑话也不好笑。,负面
`;

const TOPIC_EN = `text,label
"The national team won the championship after a dramatic penalty shootout.",sports
"Shares of the chip maker rose sharply after strong quarterly earnings.",business
"Leaders of both countries signed a peace agreement on Tuesday.",world
"The new phone uses a faster processor and a better camera.",technology
"The striker scored twice in the second half.",sports
"The central bank raised interest rates to fight inflation.",business
"Thousands of people fled the region after the earthquake.",world
"Researchers released open source software for training language models.",technology
"The coach was fired after a run of six defeats.",sports
"The retailer will close fifty stores and cut two thousand jobs.",business
"The election results were disputed by the opposition party.",world
"A security flaw in the browser lets attackers read private data.",technology
"She broke the world record in the 400 metres.",sports
"Oil prices fell for the third week in a row.",business
"The president visited the border to meet refugees.",world
"The company launched a cheaper laptop for students.",technology
"The tennis final went to five sets.",sports
"The merger of the two banks was approved by regulators.",business
"Floods destroyed homes and roads across the country.",world
"The app update adds offline maps and a dark mode.",technology
"The league suspended the player for three matches.",sports
"Investors worry that the housing market is slowing down.",business
"The United Nations called for an immediate ceasefire.",world
"Engineers built a robot that can sort recycling.",technology
"The marathon was won in record time despite the heat.",sports
"The startup raised fifty million dollars from investors.",business
"Protesters gathered in the capital for a third day.",world
"The new chip uses half the power of its predecessor.",technology
"The goalkeeper saved a penalty in the final minute.",sports
"The airline reported a loss because of rising fuel costs.",business
"The minister resigned after the scandal.",world
"A software bug caused the website to go offline for hours.",technology
`;

const NLI_EN = `premise,hypothesis,label
"A man is playing a guitar on stage.","A man is performing music.",entailment
"A man is playing a guitar on stage.","The man is sleeping at home.",contradiction
"A man is playing a guitar on stage.","The man is a famous singer.",neutral
"Two children are building a sandcastle on the beach.","Kids are playing outside.",entailment
"Two children are building a sandcastle on the beach.","The children are in a classroom.",contradiction
"Two children are building a sandcastle on the beach.","The children are brother and sister.",neutral
"A woman is reading a book in the park.","Someone is reading.",entailment
"A woman is reading a book in the park.","The woman is swimming.",contradiction
"A woman is reading a book in the park.","The book is a novel.",neutral
"The restaurant was full of people on Friday night.","The restaurant was busy.",entailment
"The restaurant was full of people on Friday night.","The restaurant was empty.",contradiction
"The restaurant was full of people on Friday night.","The food was excellent.",neutral
"A dog is running through the snow.","An animal is outside.",entailment
"A dog is running through the snow.","The dog is asleep on the sofa.",contradiction
"A dog is running through the snow.","The dog is chasing a ball.",neutral
"The team celebrated their victory in the final.","The team won the final.",entailment
"The team celebrated their victory in the final.","The team lost the final.",contradiction
"The team celebrated their victory in the final.","The final was played in London.",neutral
"A chef is cutting vegetables in the kitchen.","Someone is preparing food.",entailment
"A chef is cutting vegetables in the kitchen.","The chef is driving a car.",contradiction
"A chef is cutting vegetables in the kitchen.","The chef is making soup.",neutral
"The train arrived two hours late.","The train was delayed.",entailment
"The train arrived two hours late.","The train arrived early.",contradiction
"The train arrived two hours late.","The passengers were angry.",neutral
`;

export const DEMO_DATASETS: readonly DemoDataset[] = [
  {
    id: 'sentiment-en',
    language: 'en',
    fileName: 'demo-sentiment-en.csv',
    csv: SENTIMENT_EN,
    templates: [
      { id: 't1', name: 'Overall, it was a … movie', text: '[X] Overall, it was a [Z] movie.' },
      { id: 't2', name: 'It was …', text: '[X] It was [Z].' },
    ],
    verbalizer: [
      { label: 'positive', words: ['great', 'good'] },
      { label: 'negative', words: ['terrible', 'bad'] },
    ],
    suggestedModel: 'Xenova/bert-base-uncased',
  },
  {
    id: 'sentiment-zh',
    language: 'zh',
    fileName: 'demo-sentiment-zh.csv',
    csv: SENTIMENT_ZH,
    templates: [
      { id: 't1', name: '总之，这部电影很…', text: '[X]总之，这部电影很[Z]。' },
      { id: 't2', name: '我觉得…', text: '[X]我觉得[Z]。' },
    ],
    verbalizer: [
      { label: '正面', words: ['好', '棒'] },
      { label: '负面', words: ['差', '烂'] },
    ],
    suggestedModel: 'Xenova/bert-base-chinese',
  },
  {
    id: 'topic-en',
    language: 'en',
    fileName: 'demo-topic-en.csv',
    csv: TOPIC_EN,
    templates: [
      { id: 't1', name: '… news:', text: '[Z] news: [X]' },
      { id: 't2', name: '[ Category: … ]', text: '\\[ Category: [Z] \\] [X]' },
    ],
    verbalizer: [
      { label: 'world', words: ['world', 'politics'] },
      { label: 'sports', words: ['sports'] },
      { label: 'business', words: ['business', 'economy'] },
      { label: 'technology', words: ['technology', 'science'] },
    ],
    suggestedModel: 'Xenova/bert-base-uncased',
  },
  {
    id: 'nli-en',
    language: 'en',
    fileName: 'demo-nli-en.csv',
    csv: NLI_EN,
    templates: [
      { id: 't1', name: 'LM-BFF: … ? [Z] , …', text: '[X1|nopunct] ? [Z] , [X2|lower]' },
      { id: 't2', name: 'PET: "…"? [Z], "…"', text: '"[X1]"? [Z], "[X2]"' },
    ],
    verbalizer: [
      { label: 'entailment', words: ['yes'] },
      { label: 'neutral', words: ['maybe'] },
      { label: 'contradiction', words: ['no'] },
    ],
    suggestedModel: 'Xenova/bert-base-uncased',
  },
];

export function findDemoDataset(id: string): DemoDataset | undefined {
  return DEMO_DATASETS.find((d) => d.id === id);
}
