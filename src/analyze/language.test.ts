import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectLanguage } from './language.js';
import { foldText } from './normalize.js';

const detect = (text: string): string => detectLanguage(foldText(text).text);

describe('detectLanguage', () => {
  it.each([
    ['en', 'We are looking for friendly staff and you can apply with your CV at the front desk.'],
    ['es', 'Buscamos personal para la tienda, con experiencia en ventas y muy buena actitud.'],
    ['fr', 'Nous cherchons une personne pour le magasin, avec de l’expérience et du sérieux.'],
    ['pt', 'Estamos contratando para a loja, você não precisa de experiência para começar.'],
    [
      'de',
      'Wir suchen eine Person für den Laden, die auch am Wochenende arbeiten kann und nicht raucht.',
    ],
    ['it', 'Cerchiamo una persona per il negozio, che sia seria e con esperienza nel settore.'],
    ['id', 'Kami mencari karyawan yang bisa bekerja dengan tim dan tidak takut belajar hal baru.'],
    ['tl', 'Kailangan namin ng mga tao na may karanasan sa trabaho at hindi takot mag-aral.'],
    [
      'vi',
      'Công ty chúng tôi tuyển dụng nhân viên, không cần kinh nghiệm, lương cao cho người mới.',
    ],
    ['th', 'รับสมัครพนักงานต้อนรับ ไม่ต้องมีประสบการณ์ เงินเดือนสูง'],
    ['zh', '招聘客服人员，高薪，包吃包住，无需经验。'],
    ['ja', 'スタッフ募集中です。未経験でも大丈夫です。'],
    ['ko', '직원을 모집합니다. 경험이 없어도 괜찮습니다.'],
    ['ru', 'Требуются сотрудники, опыт работы не нужен, высокая зарплата.'],
    ['ar', 'مطلوب موظفين للعمل في الشركة براتب مرتفع'],
    ['hi', 'कंपनी में काम के लिए कर्मचारियों की आवश्यकता है'],
  ])('reads %s', (language, text) => {
    expect(detect(text)).toBe(language);
  });

  it('says "und" when there is nothing to go on or the evidence is tied', () => {
    expect(detect('')).toBe('und');
    expect(detect('212-555-0147 $200 !!!')).toBe('und');
    expect(detect('Real pics, call now')).toBe('und');
    // "de" is Spanish, French and Portuguese alike.
    expect(detect('Fotos de Maria')).toBe('und');
  });

  it('lets one word decide only a very short text', () => {
    expect(detect('Hola y adiós')).toBe('es');
    expect(detect('Hostess job abroad, earn big money as a model')).toBe('und');
  });

  it('reads the script, not look-alike letters: Cyrillic disguises in English stay English', () => {
    expect(detect('Wе аrе hiring and you can apply with your CV')).toBe('en');
  });

  it('only reads the start of long texts', () => {
    const long = `${'We are here and you are there. '.repeat(10)}${'Nous sommes là et vous êtes là. '.repeat(1000)}`;
    expect(detect(long)).toBe('en');
  });

  it('counts scripts over the whole window, however the text starts', () => {
    // Latin first, then more Thai letters than Latin ones within the window.
    expect(detect(`Hello ${'รับสมัครพนักงาน'.repeat(20)}`)).toBe('th');
    // Latin letters that other scripts cannot catch up with any more.
    expect(detect(`We are hiring and you can apply ${'รับสมัคร'.repeat(2)}`)).toBe('en');
    expect(detect(`${'a'.repeat(300)} ${'Требуются '.repeat(40)}`)).toBe('und');
    expect(detect(`${'the cat and the dog '.repeat(14)}${'Требуются '.repeat(40)}`)).toBe('en');
  });

  it('counts the stopwords of the first 40 words only, whatever their length', () => {
    const filler = 'lorem '.repeat(38);
    expect(detect(`${filler}the and`)).toBe('en');
    expect(detect(`${filler}lorem the and`)).toBe('und');
    expect(detect(`${'supercalifragilistic '.repeat(20)}y el la que de los`)).toBe('es');
  });

  it('always answers with a known code', () => {
    const known = new Set([
      'en',
      'es',
      'fr',
      'pt',
      'de',
      'it',
      'id',
      'tl',
      'vi',
      'th',
      'zh',
      'ja',
      'ko',
      'ru',
      'ar',
      'hi',
      'und',
    ]);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        expect(known.has(detectLanguage(foldText(text).text))).toBe(true);
      }),
    );
  });
});
