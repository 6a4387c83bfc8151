"""`kpi import`, the core: the text of a BMA "รายละเอียดตัวชี้วัด" page -> the indicator as data.

Pure: text in, values out. :func:`parse_page` returns an :class:`Imported`: the indicator as a
plain mapping in the file's key order, the comments to write beside its fields, and the report of
what was inferred or left out. Nothing here reads files, prints or exits; refusals are
:class:`ImportRefused` subclasses. The file itself is :mod:`kpi_cli.write.scaffold` (validation,
atomic create), laid out by :mod:`kpi_cli.io.yamlemit`.

The page, as its text comes out of the BMA system (the seed is one)::

    8/สปท.<title> : 0406-0772              sequence / agency abbreviation, title, code
    ค่าเป้าหมาย <unit> : <value>
    ผลงานที่ทำได้ <unit> : <value>
    ประเภทตัวชี้วัด : ตัวชี้วัดงานประจำ
    (ตัวชี้วัดระดับผลลัพธ์ (outcome))
    *** สยป. ตรวจประเมินตัวชี้วัด : ไตรมาสที่ 1: 100
    ผลงานเทียบกับเป้าหมายรายไตรมาส           a header, then one cell a line, four a quarter:
    1 / 30.00 / 100 / 100 / 100            quarter, performance, assessed, "2.1 / 2.2"
    รายงานผลฯ ไตรมาสที่ 1 … 4, ** สรุปผลการดำเนินงาน **, นิยาม…, วิธีการคำนวณ…,
    วิธีการการเก็บข้อมูล…, สนับสนุนยุทธศาสตร์…, โครงการ/กิจกรรมที่สนับสนุนตัวชี้วัด

The fields are read as printed. From the narrative of the quarter reports come, where the text
says so, the dated events with their letters (``timeline``), an appeal (``amendments``) and, for
the innovation indicator, the project record and the stage events whose gates the text supports.
Whatever is not printed as such but concluded is listed under ``inferred:`` with the reason.

The modules, each answering one question (they import one another by full path, never this
package)::

    sections    the page as text: decoded, navigation dropped, split under its headings
    phrases     what pieces of text say: figures, Thai dates, letters, a report's outline, terms
    fields      the header line (or a stripped copy's code), the strategies, the fiscal year
    quarters    the quarterly table, the audit line and the reports as `quarters:` rows
    narrative   the timeline and an appeal, from the reports
    innovation  the innovation project and the stage events the text supports
    page        parse_page: the whole page, field by field, and the `inferred:` list
    html        a page saved as HTML ("Save page as"): its text and its address
    agencies    the stub entry of an agency the catalogue lacks
    provenance  the `sources:` entry of a copy, and what two copies print differently
    result      Imported, and Reason (why a value was inferred)
    refusals    ImportRefused and its kinds
"""

from kpi_cli.importer.page import parse_page
from kpi_cli.importer.phrases import dates_in, figure, items, letters_in, terms
from kpi_cli.importer.refusals import ImportRefused, MissingStrategies, NoFiscalYear, NotAPage, UnknownAgency
from kpi_cli.importer.result import Imported, Reason
from kpi_cli.importer.sections import decode

__all__ = ["ImportRefused", "Imported", "MissingStrategies", "NoFiscalYear", "NotAPage", "Reason", "UnknownAgency",
           "dates_in", "decode", "figure", "items", "letters_in", "parse_page", "terms"]
