import type { CommandResult } from '../../lib/api.js';

/** How the page words things: its translate function, language and time format (lib/i18n.ts). */
export interface Wording {
  t: (key: string) => string;
  language: 'zh' | 'en';
  time: (value: string | null) => string;
}

/** One line of a terminal's answer as the panel shows it. */
export interface AnswerLine {
  label: string;
  value: string;
}

interface Location {
  latitude: number;
  longitude: number;
  altitude: number;
  speed: number;
  direction: number;
  alarm: number;
  time: string | null;
  extras?: { satellites?: number; signalStrength?: number };
}

interface NamedParameter {
  id: number;
  value: number | string;
  name?: string;
  zh?: string;
  unit?: string;
}

/**
 * A decoded answer (as the API gives it: docs/api.md, commands) in words: a location as position,
 * speed and time; parameters by id and name with their units; an acknowledgement as its result.
 * Other answers as their JSON.
 */
export function answerLines(
  answer: NonNullable<CommandResult['answer']>,
  { t, language, time }: Wording,
): AnswerLine[] {
  const body = answer.body;
  const line = (key: string, value: string): AnswerLine => ({ label: t(`command.answer.${key}`), value });
  switch (answer.name) {
    case 'locationQueryResponse': {
      const location = body.location as Location;
      const lines = [
        line('position', `${location.latitude.toFixed(6)}, ${location.longitude.toFixed(6)}`),
        line('speed', `${location.speed} ${t('units.kmh')}`),
        line('direction', `${location.direction}°`),
        line('altitude', `${location.altitude} m`),
        line('time', time(location.time)),
      ];
      if (location.extras?.satellites !== undefined)
        lines.push(line('satellites', String(location.extras.satellites)));
      if (location.extras?.signalStrength !== undefined)
        lines.push(line('signal', String(location.extras.signalStrength)));
      if (location.alarm !== 0)
        lines.push(line('alarm', `0x${location.alarm.toString(16).padStart(8, '0')}`));
      return lines;
    }
    case 'parametersResponse':
      return (body.parameters as NamedParameter[]).map((parameter) => ({
        label: `${hexId(parameter.id)} ${(language === 'zh' ? parameter.zh : parameter.name) ?? ''}`.trim(),
        value: `${parameter.value}${parameter.unit ? ` ${parameter.unit}` : ''}`,
      }));
    case 'terminalGeneralResponse':
      return [line('result', t(`command.result.${body.result}`))];
    default:
      return [{ label: answer.name, value: JSON.stringify(body) }];
  }
}

function hexId(id: number): string {
  return `0x${id.toString(16).padStart(4, '0')}`;
}
